// Cost of the append-only log beside the primitives it is made of, measured in the same run.
//
//   LogBenchmark [ENTRIES] [ROUNDS] [DIRECTORY]      (defaults: 10000, 3, the temporary directory)
//
// append: ENTRIES calls of AppendOnlyLog.append (200-byte entries), each taking the lock, writing one entry record
//         and one signed tree-head record, and fsyncing. Peer: per entry the same Ed25519 signature (over a
//         114-byte tree-head message), the SHA-256 work of the records (leaf hash, two header checks, two
//         checksums, one node hash and a root folded over log2(n) frontier nodes) and one pwrite + fsync of the
//         same number of bytes to a plain file. The two alternate entry by entry.
// verify: AppendOnlyLog.verify over the finished log (every checksum, root, signature, consistency proof). Peer:
//         reading the file once, ENTRIES Ed25519 verifications and the SHA-256 work of the records (leaf hash,
//         four record hashes, two node hashes per entry).
// Medians of ROUNDS; the ratio is log / peer.

import Crypto
import Foundation
import Governance
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let entries = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let directory = arguments.count > 3 ? arguments[3] : FileManager.default.temporaryDirectory.path
let key = Curve25519.Signing.PrivateKey()
let clock = ContinuousClock()
let recordBytes = 2 * 44 + 8 + 200 + 144

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func entry(_ i: Int) -> [UInt8] {
    var bytes = Array("release \(i) ".utf8)
    bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 200 - bytes.count)
    return bytes
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The primitives of one append, done directly: one step per call, on a plain file of its own.
struct PeerAppender {
    let descriptor: Int32
    let key: Curve25519.Signing.PrivateKey
    var offset = 0
    var sink: UInt8 = 0
    let message = [UInt8](repeating: 7, count: 114)
    let record = [UInt8](repeating: 1, count: recordBytes)
    let node = [UInt8](repeating: 2, count: 65)

    init(path: String, key: Curve25519.Signing.PrivateKey) {
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(descriptor >= 0, "cannot create \(path)")
        self.key = key
    }

    mutating func append(_ i: Int) {
        sink ^= SHA256.hash(data: entry(i)).withUnsafeBytes { $0[0] }
        for _ in 0 ..< 2 { sink ^= SHA256.hash(data: record[0 ..< 8]).withUnsafeBytes { $0[0] } }
        sink ^= SHA256.hash(data: record[0 ..< 264]).withUnsafeBytes { $0[0] }
        sink ^= SHA256.hash(data: record[0 ..< 200]).withUnsafeBytes { $0[0] }
        for _ in 0 ... (i + 1).bitWidth - (i + 1).leadingZeroBitCount {
            sink ^= SHA256.hash(data: node).withUnsafeBytes { $0[0] }
        }
        sink ^= (try! key.signature(for: message)).first!
        let written = record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, recordBytes, off_t(offset)) }
        precondition(written == recordBytes)
        precondition(fsync(descriptor) == 0)
        offset += recordBytes
    }
}

/// The primitives of verifying, done directly.
func peerVerify(path: String, publicKey: Curve25519.Signing.PublicKey, signatures: [(message: [UInt8], signature: Data)]) -> (seconds: Double, sink: UInt8) {
    var sink: UInt8 = 0
    let record = [UInt8](repeating: 1, count: recordBytes)
    let node = [UInt8](repeating: 2, count: 65)
    let start = clock.now
    sink ^= FileManager.default.contents(atPath: path)?.first ?? 0
    for i in 0 ..< entries {
        sink ^= SHA256.hash(data: entry(i)).withUnsafeBytes { $0[0] }
        for _ in 0 ..< 2 { sink ^= SHA256.hash(data: record[0 ..< 8]).withUnsafeBytes { $0[0] } }
        sink ^= SHA256.hash(data: record[0 ..< 264]).withUnsafeBytes { $0[0] }
        sink ^= SHA256.hash(data: record[0 ..< 200]).withUnsafeBytes { $0[0] }
        for _ in 0 ..< 2 { sink ^= SHA256.hash(data: node).withUnsafeBytes { $0[0] } }
        let (message, signature) = signatures[i % signatures.count]
        precondition(publicKey.isValidSignature(signature, for: message))
    }
    return (seconds(clock.now - start), sink)
}

var sink: UInt8 = 0
var appendTimes: [Double] = [], appendPeers: [Double] = []
var verifyTimes: [Double] = [], verifyPeers: [Double] = []
let signatures = (0 ..< 64).map { i in
    let message = [UInt8](repeating: UInt8(i), count: 114)
    return (message, try! key.signature(for: message))
}
for round in 0 ..< rounds {
    let path = "\(directory)/log-benchmark-\(getpid())-\(round).log"
    defer { for suffix in ["", ".lock", ".peer"] { unlink(path + suffix) } }
    var log = AppendOnlyLog(path: path)
    // Interleaved, one log append then one peer append, so that both see the same disk: fsync latency on a shared
    // volume varies tenfold with what other processes write.
    var peer = PeerAppender(path: path + ".peer", key: key)
    var (logTime, peerTime) = (Duration.zero, Duration.zero)
    for i in 0 ..< entries {
        let t0 = clock.now
        try log.append(entry(i), signingKey: key)
        let t1 = clock.now
        peer.append(i)
        let t2 = clock.now
        logTime += t1 - t0
        peerTime += t2 - t1
    }
    close(peer.descriptor)
    sink ^= peer.sink
    appendTimes.append(seconds(logTime))
    appendPeers.append(seconds(peerTime))
    var start = clock.now
    let report = try log.verify(publicKey: key.publicKey)
    verifyTimes.append(seconds(clock.now - start))
    precondition(report.isValid && report.entryCount == UInt64(entries), "verify failed: \(report.problems)")
    let verifyPeer = peerVerify(path: path, publicKey: key.publicKey, signatures: signatures)
    verifyPeers.append(verifyPeer.seconds)
    sink ^= verifyPeer.sink
}
print("entries \(entries), rounds \(rounds), directory \(directory) (checksum byte \(sink))")
for (name, mine, peer) in [("append", appendTimes, appendPeers), ("verify", verifyTimes, verifyPeers)] {
    let (m, p) = (median(mine), median(peer))
    print(String(format: "%@  log %.3f s (%.1f us/entry)  peer %.3f s (%.1f us/entry)  ratio %.2f", name, m,
                 m / Double(entries) * 1e6, p, p / Double(entries) * 1e6, m / p))
}
