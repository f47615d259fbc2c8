// How many threads the library's parallel loops may use.
//
// Packed encryption, packed sums, batch decryption, the two CRT halves of one decryption and the DJN table
// build spread their independent pieces over the cores with `DispatchQueue.concurrentPerform`. Every piece is
// computed by the same code whichever thread runs it and written to its own slot, so the results do not depend
// on the number of threads; the limit exists to check exactly that and to keep a run on one core.

import Dispatch
import Foundation

/// The thread limit of the library's parallel loops: all cores by default, `HE_THREADS` from the environment,
/// or a value bound for one task with `Parallelism.$threadLimit.withValue(1) { ... }`.
public enum Parallelism {
    /// The name of the environment variable read once at start-up.
    public static let environmentVariable = "HE_THREADS"

    /// Threads the parallel loops of the calling task may use; nil means all cores.
    @TaskLocal public static var threadLimit: Int? = environmentLimit

    /// `HE_THREADS` as read at start-up: nil when unset or not a positive integer (``environmentProblem``
    /// tells which, so a command-line front end can refuse the value).
    static let environmentLimit: Int? = {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable] else { return nil }
        return parseLimit(text)
    }()

    /// A description of what is wrong with `HE_THREADS`, or nil when it is unset or valid.
    public static var environmentProblem: String? {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable] else { return nil }
        if parseLimit(text) != nil { return nil }
        return "\(environmentVariable) must be a positive integer (the number of threads), got '\(text)'"
    }

    /// A positive decimal thread count, or nil.
    public static func parseLimit(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text), n > 0 else {
            return nil
        }
        return n
    }

    /// Threads the parallel loops may use now: ``threadLimit``, or the number of active cores.
    static var threadCount: Int { max(1, threadLimit ?? ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body(0) ... body(iterations - 1)`, concurrently on at most ``threadLimit`` threads (each index
    /// once). With a limit of 1, or one iteration, everything runs on the calling thread in order.
    static func forEach(iterations: Int, _ body: @Sendable (Int) -> Void) {
        guard iterations > 0 else { return }
        guard let limit = threadLimit else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
            return
        }
        let workers = min(limit, iterations)
        if workers == 1 {
            for i in 0..<iterations { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: iterations, by: workers) { body(i) }
        }
    }
}
