import Foundation
import Governance
import HEFiles

// The built-in example study of `he-cli demo`: four hospitals' tables of diagnoses by outcome, run through the three
// roles (key holder, sites, aggregator) in one folder as a signed study (manifest, signed site files, verified
// aggregate, and a decryption under the release policy, logged), with the plaintext sums that only a demo can compute.

public enum DemoStudy {
    public static let rowHeader = "diagnosis"
    public static let columns = ["recovered", "readmitted", "died"]
    public static let rows = ["pneumonia", "heart failure", "stroke", "sepsis", "hip fracture"]
    public static let sites: [(id: String, counts: [[Int64]])] = [
        ("st-marys", [[120, 14, 9], [88, 21, 12], [64, 10, 15], [40, 8, 11], [75, 6, 3]]),
        ("city-general", [[210, 30, 17], [140, 33, 20], [97, 12, 19], [66, 15, 22], [101, 9, 5]]),
        ("royal-infirmary", [[95, 11, 6], [70, 18, 9], [58, 7, 12], [31, 5, 9], [60, 4, 2]]),
        ("northfield", [[43, 5, 2], [29, 7, 4], [22, 3, 6], [15, 2, 4], [27, 1, 1]]),
    ]
    /// The declared largest value of every cell.
    static let maxValue: UInt64 = 100_000

    /// One step of the flow, for the caller to show.
    public enum Step: Sendable {
        case keysGenerated(fingerprint: Fingerprint)
        /// The coordinator signed the manifest naming every site's signing key.
        case studySigned(file: String, sites: Int, coordinator: Fingerprint)
        case siteEncrypted(site: String, file: String, bytes: UInt64)
        case aggregated(files: Int)
        case decrypted(contributors: [String], verified: Bool)
        /// The release was logged (entry `entry` of `log`) before totals.csv was written.
        case logged(log: String, entry: UInt64, treeSize: UInt64)
    }

    /// The plaintext sum of every cell over the sites, row-major.
    public static var plaintextTotals: [Int64] {
        (0 ..< rows.count).flatMap { i in (0 ..< columns.count).map { j in sites.reduce(0) { $0 + $1.counts[i][j] } } }
    }

    /// Runs the flow for `scheme` in the existing empty folder `directory` and returns the decrypted totals.
    public static func run(scheme: SchemeID, in directory: String,
                           step: (Step) -> Void = { _ in }) throws(EncryptedStatsError) -> DecryptedTotals {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let created = try KeyFiles.createKeyPair(scheme: scheme, options: KeyGenerationOptions(), in: directory)
        step(.keysGenerated(fingerprint: created.keys.publicKeyFingerprint))

        let publicKey = try KeyFiles.readPublic(created.publicKeyPath)
        let (manifest, siteKeys) = try signedStudy(keys: publicKey, file: path("study.hem"))
        step(.studySigned(file: "study.hem", sites: sites.count, coordinator: manifest.manifest.coordinatorKey.fingerprint))
        let hints = ValueHints(maxValue: nil, decimals: "", negative: "")
        var siteFiles: [String] = []
        for site in sites {
            var csv = rowHeader + "," + columns.joined(separator: ",") + "\n"
            for (label, counts) in zip(rows, site.counts) {
                csv += label + "," + counts.map(String.init).joined(separator: ",") + "\n"
            }
            let csvPath = path("\(site.id).csv")
            try files { () throws(HEFilesError) in try AtomicFileWriter.write(Array(csv.utf8), to: csvPath) }
            let table = try CountTableReader.read(path: csvPath, encoding: .count, maxValue: maxValue, hints: hints)
            let out = path("\(site.id).he")
            let signer = SiteSigner(manifest: manifest, key: siteKeys[site.id]!, keyPath: "\(site.id) signing key",
                                    encryptionKeyPath: path(KeyFiles.publicKeyName))
            try EncryptedTableFiles.encrypt(table, bound: maxValue, site: site.id, keys: publicKey, to: out, signer: signer)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? NSNumber)??.uint64Value ?? 0
            siteFiles.append(out)
            step(.siteEncrypted(site: site.id, file: "\(site.id).he", bytes: bytes))
        }
        let total = path("total.he")
        try EncryptedTableFiles.aggregate(inputs: siteFiles, to: total, manifest: manifest)
        step(.aggregated(files: siteFiles.count))

        // The key holder's release: policy checked, release logged under a fresh log key, then totals written.
        _ = try governance { () throws(GovernanceError) in try SigningKeyFiles.generate(in: path("log-key")) }
        let logging = try ReleaseLogging.open(logPath: path("releases.helog"), keyPath: path("log-key/signing.key"),
                                              analyst: "demo")
        let (totals, receipt) = try EncryptedTableFiles.decrypt(total, secretKeyPath: created.secretKeyPath,
                                                                to: path("totals.csv"), format: .csv,
                                                                verification: (ManifestSource(path: manifest.path), siteFiles),
                                                                logging: logging)
        step(.decrypted(contributors: totals.contributors, verified: true))
        if let receipt {
            step(.logged(log: "releases.helog", entry: receipt.entry, treeSize: receipt.signedHead.head.size))
        }
        return totals
    }

    /// The demo's manifest (written to `file`) with a fresh coordinator key and a fresh signing key per site.
    static func signedStudy(keys: SchemeKeys, file: String) throws(EncryptedStatsError)
        -> (SignedManifest, [String: SigningSecretKey]) {
        try governance { () throws(GovernanceError) in
            let coordinator = SigningSecretKey()
            var first = StudyManifest(studyID: "demo-study", coordinatorKey: coordinator.publicKey,
                                      encryptionKeyFingerprint: keys.publicKeyFingerprint, maxValue: maxValue,
                                      maxSites: UInt32(sites.count), testStudy: true)
            var policy = ReleasePolicy.standard
            policy.testStudy = true
            first.policy = policy.manifestPolicy
            var signed = try first.signed(with: coordinator, path: file)
            var siteKeys: [String: SigningSecretKey] = [:]
            for site in sites {
                let key = SigningSecretKey()
                siteKeys[site.id] = key
                signed = try signed.manifest.adding(.init(id: site.id, key: key.publicKey), after: signed)
                    .signed(with: coordinator, path: file)
            }
            try signed.write(to: file)
            return (signed, siteKeys)
        }
    }
}
