// A signed study shared by the provenance tests: one Paillier key (and the same study under a BFV key), a coordinator, four roster sites (site-a to
// site-d) and the honest signed site files of sites a, b and c, made once through he-cli and copied into each
// test's scratch folder. Attacks rewrite containers with `ContainerReader` / `ContainerWriter.encode`, which
// recompute both SHA-256 digests, as the review's scripts did.

import Foundation
import Governance
import HEFiles
import Paillier
import Testing

final class SignedStudy: Sendable {
    let directory: String
    static let tables = [
        "site-a": "dx,cases,controls\nasthma,12,30\ncopd,4,19\n",
        "site-b": "dx,cases,controls\nasthma,7,11\ncopd,2,5\n",
        "site-c": "dx,cases,controls\nasthma,3,8\ncopd,9,1\n",
        "site-d": "dx,cases,controls\nasthma,1,2\ncopd,0,1\n",
    ]
    /// The files every test starts with.
    static let files = ["m2.hem", "m5.hem", "a.he", "b.he", "c.he", "d.he", "other-study.hem", "a-other-study.he",
                        "coord/signing.key", "coord/signing.pub", "site-d/signing.key", "site-a/signing.key",
                        "public.hekey", "secret.hekey"]

    /// The provenance tests' study: its release policy lets 2-site releases and small cells through, so that
    /// these tests see the provenance checks, not the policy's.
    static let shared = SignedStudy(keys: .for(.paillier), policy: ["--min-sites", "2", "--small-cells", "none"])
    /// The same study under a BFV key.
    static let bfv = SignedStudy(keys: .for(.bfv), policy: ["--min-sites", "2", "--small-cells", "none"])
    /// The same study with the default release policy (3 sites, cms small cells), for the release tests.
    static let defaultPolicy = SignedStudy(keys: .for(.paillier), policy: [])
    /// The same study with a privacy budget of rho 1 (and no small-cell rule, so noisy counts show as released).
    static let privateStudy = SignedStudy(keys: .for(.paillier), policy: ["--small-cells", "none", "--dp-budget", "1"])

    private init(keys: SharedKeys, policy: [String]) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("he-signed-study-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func run(_ args: String...) { run(args) }
        func run(_ args: [String]) {
            let r = try! HeCLI.run(args, in: directory, environment: ["HE_TOOLKIT_STATE": directory + "/setup-state"])
            precondition(r.status == 0, "setup \(args.joined(separator: " ")) failed: \(r.stderr)")
        }
        try! FileManager.default.copyItem(atPath: keys.publicKey, toPath: directory + "/public.hekey")
        try! FileManager.default.copyItem(atPath: keys.secretKey, toPath: directory + "/secret.hekey")
        for who in ["coord", "site-a", "site-b", "site-c", "site-d"] { run("site-key", "generate", "--out", who) }
        run(["study", "init", "--study", "asthma", "--public-key", "public.hekey", "--signing-key", "coord/signing.key",
             "--max-value", "1000", "--max-sites", "6", "--out", "m1.hem"] + policy)
        var previous = "m1.hem"
        for (i, site) in ["site-a", "site-b", "site-c", "site-d"].enumerated() {
            let next = "m\(i + 2).hem"
            run("study", "add-site", "--manifest", previous, "--site", site, "--site-key", "\(site)/signing.pub",
                "--signing-key", "coord/signing.key", "--out", next)
            previous = next
        }
        for (site, table) in Self.tables {
            FileManager.default.createFile(atPath: directory + "/\(site).csv", contents: Data(table.utf8))
            run("encrypt", "--public-key", "public.hekey", "--site", site, "--in", "\(site).csv", "--max-value", "100",
                "--out", "\(site.dropFirst(5)).he", "--manifest", "m5.hem", "--signing-key", "\(site)/signing.key")
        }
        // Another study under the same key, with site-a under the same signing key.
        run("study", "init", "--study", "other", "--public-key", "public.hekey", "--signing-key", "coord/signing.key",
            "--max-value", "1000", "--max-sites", "6", "--out", "o1.hem")
        run("study", "add-site", "--manifest", "o1.hem", "--site", "site-a", "--site-key", "site-a/signing.pub",
            "--signing-key", "coord/signing.key", "--out", "other-study.hem")
        run("encrypt", "--public-key", "public.hekey", "--site", "site-a", "--in", "site-a.csv", "--max-value", "100",
            "--out", "a-other-study.he", "--manifest", "other-study.hem", "--signing-key", "site-a/signing.key")
    }

    /// A scratch folder holding the study's files, and a state folder outside it in which m5.hem was seen.
    func copy() throws -> (dir: Scratch, env: [String: String?]) {
        let dir = Scratch()
        for name in Self.files {
            let target = dir.file(name)
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: target)
        }
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.path + "-state"]
        let r = try dir.run(environment: env, "study", "show", "--manifest", "m5.hem")
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, env)
    }
}

/// A container decoded for rewriting.
struct Container {
    var header: ContainerHeader
    var chunks: [[UInt8]]

    init(_ path: String) throws {
        let reader = try ContainerReader(path: path)
        header = reader.header
        chunks = try reader.readAllChunks()
    }

    /// Writes the container with fresh digests.
    func write(_ path: String) throws {
        try Data(ContainerWriter.encode(header: header, chunks: chunks)).write(to: URL(fileURLWithPath: path))
    }

    /// Paillier: n and n^2 from the parameters field ("HEPK", version, u16 bits, n big-endian).
    var modulus: (n: BigInt, n2: BigInt) {
        let n = BigInt(bigEndianBytes: header.parameters[7...])
        return (n, n * n)
    }

    /// Each chunk as a Paillier ciphertext.
    var ciphertexts: [BigInt] { chunks.map { BigInt(bigEndianBytes: $0) } }

    mutating func setCiphertexts(_ cs: [BigInt]) {
        let width = chunks[0].count
        chunks = cs.map { $0.bigEndianBytes(count: width)! }
    }
}

/// Runs a command that must be refused with the state folder of the study; checks the exit code, that every
/// expected part is in the message, and that no file in the scratch folder was created, removed or changed.
/// `ignoring` names files that may change (a decryption log that records the refusal).
func expectSignedRefusal(_ dir: Scratch, _ env: [String: String?], _ args: [String], code: Int32 = 65,
                         message: [String], ignoring: Set<String> = [],
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
    let before = dir.snapshot()
    let r = try dir.run(environment: env, args)
    #expect(r.status == code, "exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    for m in message { #expect(r.stderr.contains(m), "'\(m)' not in: \(r.stderr)", sourceLocation: sourceLocation) }
    let after = dir.snapshot()
    let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] && !ignoring.contains($0) }.sorted()
    #expect(changed.isEmpty, "files created, removed or changed: \(changed)", sourceLocation: sourceLocation)
}
