import Foundation
import HEFiles
import Privacy

// The audit of a decryption log (`he-cli audit`, docs/GOVERNANCE.md): its entries, its verification (hashes,
// signatures, consistency with a tree head saved earlier, and the release rules over the whole history),
// inclusion proofs for one entry, and their check by a party holding only the log's public key.

public enum AuditFiles {
    /// One entry as read: its index and its record (nil with the reason when the bytes are not a release record).
    public struct Entry: Sendable {
        public var index: UInt64
        public var record: ReleaseRecord?
        public var problem: String?
    }

    /// The logged entries of the log at `path` (an interrupted append is not one).
    public static func entries(logPath path: String) throws(GovernanceError) -> (entries: [Entry], contents: LogContents) {
        let contents = try AppendOnlyLog(path: path).read()
        let entries = contents.entries.enumerated().map { (i, bytes) -> Entry in
            do throws(GovernanceError) {
                return Entry(index: UInt64(i), record: try ReleaseRecord(decoding: bytes, index: UInt64(i)), problem: nil)
            } catch {
                return Entry(index: UInt64(i), record: nil, problem: error.description)
            }
        }
        return (entries, contents)
    }

    /// What `verify` found: the log's own problems, then those of the release rules, each a sentence.
    public struct Report: Sendable {
        public var entryCount: UInt64
        public var latestHead: SignedTreeHead?
        public var problems: [String]
        public var tornTail: String?
        public var isValid: Bool { problems.isEmpty }
    }

    /// Verifies the log at `logPath` under the log key in `publicKeyPath`: every record, hash, root and
    /// signature, consistency with the signed tree head in `savedHeadPath` (written by ``saveHead(logPath:to:)``)
    /// when given, and for every entry that it is a release record, that a release had at least the minimum number
    /// of sites of its policy, that no release breaks the differencing rule against the releases before it, and
    /// in a study with a privacy budget that every release was differentially private, that each repeat names an
    /// earlier private release with the same noise, and that the releases never spent more than the budget.
    public static func verify(logPath: String, publicKeyPath: String, savedHeadPath: String?) throws(GovernanceError) -> Report {
        let key = try SigningKeyFiles.readPublic(publicKeyPath)
        let saved = try savedHeadPath.map { (path) throws(GovernanceError) in
            try SignedTreeHead(serialized: try files { () throws(HEFilesError) in try readWholeFile(path) })
        }
        let log = AppendOnlyLog(path: logPath)
        let report = try log.verify(publicKey: key.curveKey, savedHead: saved)
        var problems = report.problems.map { "\(logPath): \($0)" }
        if report.isValid {
            let (entries, _) = try self.entries(logPath: logPath)
            var prior: [PriorRelease] = []
            var spent: [String: Rational] = [:]
            var privateReleases: [UInt64: ReleaseRecord] = [:]
            for e in entries {
                guard let r = e.record else { problems.append("\(logPath): \(e.problem ?? "entry \(e.index) is damaged")"); continue }
                guard r.outcome == .released else { continue }
                let policy = try? ReleasePolicy(manifestPolicy: r.policy)
                if !r.policy.isEmpty, policy == nil {
                    problems.append("\(logPath): entry \(e.index): its policy \(r.policy) is not a valid release policy")
                }
                let table = TableIdentity(schemaDigest: Fingerprint(hex: r.table) ?? .zero, statistic: r.command)
                if let policy {
                    do throws(GovernanceError) {
                        try policy.checkSites(Set(r.sites))
                        try policy.checkDifferencing(table: table, sites: Set(r.sites), earlier: prior)
                    } catch {
                        problems.append("\(logPath): entry \(e.index) (released by \(r.analyst) at \(r.time)): \(error.description)")
                    }
                }
                problems += privacyProblems(r, index: e.index, policy: policy, spent: &spent, earlier: privateReleases)
                    .map { "\(logPath): entry \(e.index) (released by \(r.analyst) at \(r.time)): \($0)" }
                if r.privacy != nil { privateReleases[e.index] = r }
                prior.append(PriorRelease(sequence: e.index, table: table, sites: Set(r.sites)))
            }
        }
        return Report(entryCount: report.entryCount, latestHead: report.latestHead, problems: problems,
                      tornTail: report.tornTail.map(\.description))
    }

    /// What is wrong with a released entry's privacy accounting, given the rho its study spent before it.
    private static func privacyProblems(_ r: ReleaseRecord, index: UInt64, policy: ReleasePolicy?, spent: inout [String: Rational],
                                        earlier: [UInt64: ReleaseRecord]) -> [String] {
        var problems: [String] = []
        let rho: Rational
        do throws(GovernanceError) { rho = try PrivacySpending.rho(of: r, index: index) } catch {
            return [error.description]
        }
        if let repeated = r.repeatOf, let privacy = r.privacy {
            guard let first = earlier[repeated], repeated < index, first.privacy?.sealedSeed == privacy.sealedSeed,
                  first.privacy?.rho == privacy.rho else {
                return ["a differentially private repeat of entry \(repeated), which is not an earlier private release with the same noise"]
            }
        }
        guard let study = r.study, let budget = policy?.dpBudget else { return problems }
        if r.privacy == nil {
            problems.append("an exact release in study '\(study)', whose policy has a privacy budget (dp-budget \(budget))")
        }
        let total = (spent[study] ?? .zero) + rho
        if budget < total, rho.signum > 0 {
            problems.append("spends rho \(rho) beyond the privacy budget of study '\(study)' (dp-budget \(budget), \(spent[study] ?? .zero) spent before)")
        }
        spent[study] = total
        return problems
    }

    /// Writes the log's latest signed tree head (144 bytes) to `output`, for a later `verify` to check the log
    /// still extends it (truncation and rewriting are then detected).
    public static func saveHead(logPath: String, to output: String) throws(GovernanceError) -> SignedTreeHead {
        guard let head = try AppendOnlyLog(path: logPath).read().latestHead else {
            throw .releaseEntryDamaged(index: 0, reason: "\(logPath) has no tree head yet (no entry was logged)")
        }
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(head.serialized, to: output) }
        return head
    }

    /// A proof that one entry is in the log: the entry's bytes, its inclusion proof and the signed tree head it
    /// is proved against. Format: docs/GOVERNANCE.md, "Inclusion proofs".
    public struct EntryProof: Sendable {
        public var entry: [UInt8]
        public var proof: InclusionProof
        public var signedHead: SignedTreeHead

        public var json: String {
            "{\n  \"format\": \"he-toolkit log inclusion proof v1\",\n"
                + "  \"entry\": \"\(Data(entry).base64EncodedString())\",\n"
                + "  \"proof\": \"\(Hex.encode(proof.serialized))\",\n"
                + "  \"treeHead\": \"\(Hex.encode(signedHead.serialized))\"\n}\n"
        }

        public init(entry: [UInt8], proof: InclusionProof, signedHead: SignedTreeHead) {
            self.entry = entry
            self.proof = proof
            self.signedHead = signedHead
        }

        public init(json bytes: [UInt8], path: String) throws(GovernanceError) {
            func bad(_ reason: String) -> GovernanceError { .invalidEncoding(what: "inclusion proof \(path)", offset: 0, expected: reason) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                  object["format"] as? String == "he-toolkit log inclusion proof v1" else {
                throw bad("a JSON object with format \"he-toolkit log inclusion proof v1\"")
            }
            guard let e = object["entry"] as? String, let entry = Data(base64Encoded: e) else { throw bad("\"entry\": base64") }
            guard let p = object["proof"] as? String, let proofBytes = Hex.decode(p) else { throw bad("\"proof\": hex") }
            guard let h = object["treeHead"] as? String, let headBytes = Hex.decode(h) else { throw bad("\"treeHead\": hex") }
            self.entry = Array(entry)
            self.proof = try InclusionProof(serialized: proofBytes)
            self.signedHead = try SignedTreeHead(serialized: headBytes)
        }
    }

    /// The proof that entry `index` of the log is in the tree of its latest head, written to `output`.
    public static func prove(logPath: String, entry index: UInt64, to output: String) throws(GovernanceError) -> EntryProof {
        let contents = try AppendOnlyLog(path: logPath).read()
        guard index < contents.size, let head = contents.latestHead else {
            throw .leafIndexOutOfRange(index: index, treeSize: contents.size)
        }
        let proof = EntryProof(entry: contents.entries[Int(index)],
                               proof: try contents.inclusionProof(leafIndex: index, treeSize: head.head.size), signedHead: head)
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(Array(proof.json.utf8), to: output) }
        return proof
    }

    /// Checks a proof file against the log key in `publicKeyPath`; returns the proof and the release it proves.
    public static func checkProof(_ path: String, publicKeyPath: String) throws(GovernanceError) -> (proof: EntryProof, record: ReleaseRecord) {
        let key = try SigningKeyFiles.readPublic(publicKeyPath)
        let proof = try EntryProof(json: try files { () throws(HEFilesError) in try readWholeFile(path) }, path: path)
        do throws(GovernanceError) {
            try proof.proof.verify(entry: proof.entry, against: proof.signedHead, publicKey: key.curveKey)
        } catch {
            throw .proofRefused(path: path, reason: error.description)
        }
        return (proof, try ReleaseRecord(decoding: proof.entry, index: proof.proof.leafIndex))
    }
}
