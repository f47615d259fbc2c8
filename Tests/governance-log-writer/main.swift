// Appends entries "entry START", "entry START+1", ... to a log, printing each entry's leaf index on standard output only after `append`
// has returned (the entry is logged), as a release prints its output only after logging it. GovernanceTests kill
// it with SIGKILL at arbitrary moments and check that every printed entry is logged and the log still verifies.
//
//   governance-log-writer LOG START COUNT

import Crypto
import Foundation
import Governance

let arguments = CommandLine.arguments
guard arguments.count == 4, let start = Int(arguments[2]), let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: governance-log-writer LOG START COUNT\n".utf8))
    exit(2)
}
// The tests' fixed log key (Tests/GovernanceTests/Log/LogTestSupport.swift), never used outside the tests.
let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array("log key of the tests".utf8))))
var log = AppendOnlyLog(path: arguments[1])
for i in start ..< start + count {
    let receipt: AppendOnlyLog.Receipt
    do {
        receipt = try log.append(Array("entry \(i)".utf8), signingKey: key)
    } catch {
        FileHandle.standardError.write(Data("append \(i): \(error)\n".utf8))
        exit(1)
    }
    FileHandle.standardOutput.write(Data("\(receipt.leafIndex)\n".utf8))
}
