import EncryptedStats
import GWAS
import HEFiles

#if canImport(Glibc)
import Glibc
#endif

/// HE_THREADS (the thread limit of the parallel loops) is read once; a value that is not a positive integer is a
/// usage error rather than silently ignored. Returns the exit code after writing the message (and releasing it,
/// so nothing allocated is still live when the process exits).
func threadLimitRefusal() -> Int32? {
    guard let problem = Parallelism.environmentProblem else { return nil }
    Console.error(problem)
    return ExitCodes.usage
}

if let code = threadLimitRefusal() { exit(code) }
if let problem = Progress.delaySetting.problem {
    Console.error(problem)
    exit(ExitCodes.usage)
}
// A Ctrl-C or kill during a write removes the temporary output file instead of leaving it behind.
InterruptCleanup.install()
PeakMemoryReport.installIfRequested()
HeCLI.runReportingErrors()
