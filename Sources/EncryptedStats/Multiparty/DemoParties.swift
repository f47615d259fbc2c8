import Foundation
import Governance
import HEFiles

// `he-cli demo --parties N`: the example study with N decryption parties and no key holder, run through the files
// of a real study (docs/MULTIPARTY.md, "A study step by step"): party identities, the coordinator's manifest, each
// party's key share, the collective key every party recomputes, signed site files, the verified aggregate, one
// logged decryption share per party, and their combination under the release policy.

extension DemoStudy {
    /// One step of the multi-party flow, for the caller to show.
    public enum PartyStep: Sendable {
        case studyCreated(file: String, parties: Int)
        case keyShared(party: String, file: String)
        /// Every party recombined the collective key; `identical` when all their files have the same bytes.
        case collectiveKey(fingerprint: Fingerprint, limbs: Int, identical: Bool)
        case siteEncrypted(site: String, file: String, bytes: UInt64)
        case aggregated(files: Int)
        case shareIssued(party: String, file: String, logEntry: UInt64)
        case combined(contributors: [String], logEntry: UInt64?)
    }

    /// The party names of the demo.
    public static func partyNames(_ count: Int) -> [String] { (1 ... count).map { "custodian-\($0)" } }

    /// Runs the multi-party flow with `parties` decryption parties (all needed) in the existing empty folder
    /// `directory` and returns the combined totals.
    public static func runMultiparty(parties count: Int, in directory: String,
                                     step: (PartyStep) -> Void = { _ in }) throws(EncryptedStatsError) -> DecryptedTotals {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let names = partyNames(count)
        _ = try governance { () throws(GovernanceError) in try SigningKeyFiles.generate(in: path("coordinator")) }
        for n in names {
            _ = try governance { () throws(GovernanceError) in
                try PartyKeyFiles.generate(in: path(n))
                return try SigningKeyFiles.generate(in: path("\(n)-log-key"))
            }
        }
        var policy = ReleasePolicy.standard
        policy.testStudy = true
        var manifest = try PartyFiles.initialiseStudy(
            study: "demo-parties", parties: names.map { ($0, path("\($0)/party.pub")) }, threshold: nil, preset: nil,
            signingKeyPath: path("coordinator/signing.key"), maxValue: maxValue, maxSites: UInt32(sites.count),
            inputsRequired: true, testStudy: true, policy: policy, to: path("study-v1.hem"))
        step(.studyCreated(file: "study-v1.hem", parties: count))
        for n in names {
            let generated = try PartyFiles.keygen(manifest: ManifestSource(path: manifest.path), party: n,
                                                  folder: PartyFolder(path(n)), publishTo: path("exchange"))
            step(.keyShared(party: n, file: "exchange/" + (generated.publicKeyShare as NSString).lastPathComponent))
        }
        var keyFiles: [[UInt8]] = []
        var combined: CombinedKey? = nil
        for n in names {
            combined = try PartyFiles.combineKey(manifest: ManifestSource(path: manifest.path), shares: [path("exchange")],
                                                 to: path("\(n)/public.hekey"), party: (n, PartyFolder(path(n))))
            keyFiles.append(try files { () throws(HEFilesError) in try readWholeFile(path("\(n)/public.hekey")) })
        }
        let publicKeyPath = path("\(names[0])/public.hekey")
        step(.collectiveKey(fingerprint: combined!.keys.publicKeyFingerprint, limbs: combined!.transportLimbCount,
                            identical: Set(keyFiles).count == 1))
        manifest = try governance { () throws(GovernanceError) in
            try StudyFiles.setEncryptionKey(publicKeyPath: publicKeyPath, manifest: ManifestSource(path: manifest.path),
                                            signingKeyPath: path("coordinator/signing.key"), to: path("study-v2.hem"))
        }
        var siteKeys: [String: SigningSecretKey] = [:]
        for (i, site) in sites.enumerated() {
            let key = SigningSecretKey()
            siteKeys[site.id] = key
            manifest = try governance { () throws(GovernanceError) in
                let coordinator = try SigningKeyFiles.readSecret(path("coordinator/signing.key"))
                let next = try manifest.manifest.adding(.init(id: site.id, key: key.publicKey), after: manifest)
                    .signed(with: coordinator, path: path("study-v\(i + 3).hem"))
                try next.write(to: next.path)
                return next
            }
        }
        let publicKey = try KeyFiles.readPublic(publicKeyPath)
        let hints = ValueHints(maxValue: nil, decimals: "", negative: "")
        var siteFiles: [String] = []
        for site in sites {
            var csv = rowHeader + "," + columns.joined(separator: ",") + "\n"
            for (label, counts) in zip(rows, site.counts) { csv += label + "," + counts.map(String.init).joined(separator: ",") + "\n" }
            let csvPath = path("\(site.id).csv")
            try files { () throws(HEFilesError) in try AtomicFileWriter.write(Array(csv.utf8), to: csvPath) }
            let table = try CountTableReader.read(path: csvPath, encoding: .count, maxValue: maxValue, hints: hints)
            let out = path("\(site.id).he")
            let signer = SiteSigner(manifest: manifest, key: siteKeys[site.id]!, keyPath: "\(site.id) signing key",
                                    encryptionKeyPath: publicKeyPath)
            try EncryptedTableFiles.encrypt(table, bound: maxValue, site: site.id, keys: publicKey, to: out, signer: signer)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? NSNumber)??.uint64Value ?? 0
            siteFiles.append(out)
            step(.siteEncrypted(site: site.id, file: "\(site.id).he", bytes: bytes))
        }
        let total = path("total.he")
        try EncryptedTableFiles.aggregate(inputs: siteFiles, to: total, manifest: manifest)
        step(.aggregated(files: siteFiles.count))
        var shareFiles: [String] = []
        for n in names {
            let logging = try ReleaseLogging.open(logPath: path("\(n)/decryptions.helog"), keyPath: path("\(n)-log-key/signing.key"),
                                                  analyst: n)
            let out = path("shares/\(n).hes")
            try files { () throws(HEFilesError) in try PartyFiles.makeOutputDirectory(path("shares")) }
            let issued = try PartyFiles.decryptShare(total, manifest: ManifestSource(path: manifest.path), party: n,
                                                     folder: PartyFolder(path(n)), inputs: siteFiles, to: out, logging: logging)
            shareFiles.append(out)
            step(.shareIssued(party: n, file: "shares/\(n).hes", logEntry: issued.receipt.entry))
        }
        let logging = try ReleaseLogging.open(logPath: path("releases.helog"), keyPath: path("coordinator/signing.key"),
                                              analyst: "demo")
        let (totals, receipt) = try EncryptedTableFiles.decrypt(total, secretKeyPath: publicKeyPath, to: path("totals.csv"),
                                                                format: .csv, verification: (ManifestSource(path: manifest.path), siteFiles),
                                                                logging: logging, combining: shareFiles)
        step(.combined(contributors: totals.contributors, logEntry: receipt?.entry))
        return totals
    }
}
