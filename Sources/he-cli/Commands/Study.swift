import ArgumentParser
import EncryptedStats
import Governance
import HEFiles

struct Study: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The signed study manifest: sites, their signing keys, the encryption key and the bounds (coordinator).",
        discussion: """
        Each change writes a new version that names the SHA-256 of the one before. Commands given --manifest remember, per study, the coordinator key and the newest version seen (in $HE_TOOLKIT_STATE, default ${XDG_STATE_HOME:-$HOME/.local/state}/he-toolkit) and refuse an older version, a different file of the same version, or another coordinator key.

        Example:
          he-cli site-key generate --out coord
          he-cli study init --study asthma-2026 --public-key keys/public.hekey --signing-key coord/signing.key --max-value 1000000 --max-sites 10 --out study-v1.hem
          he-cli study add-site --manifest study-v1.hem --site st-marys --site-key st-marys/signing.pub --signing-key coord/signing.key --out study-v2.hem
          he-cli study show --manifest study-v2.hem
          he-cli study verify --manifest study-v2.hem --coordinator 3f2a... study-files/

        Multi-party study (docs/MULTIPARTY.md): name the decryption parties instead of a public key, then set the collective key once the parties have combined it.
          he-cli study init --study asthma-2026 --party custodian-a=a/party.pub --party custodian-b=b/party.pub --party custodian-c=c/party.pub --threshold 2 --signing-key coord/signing.key --max-value 1000000 --max-sites 10 --out study-v1.hem
          he-cli study set-key --manifest study-v1.hem --public-key public.hekey --signing-key coord/signing.key --out study-v2.hem
        """,
        subcommands: [Init.self, AddSite.self, RemoveSite.self, SetKey.self, Show.self, Verify.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write version 1 of a study manifest (no sites yet).")

        @Option(help: "The study ID (letters, digits and - _ . : @ +).") var study: String
        @Option(name: .customLong("public-key"), help: "The study's encryption public key file (single key holder).", completion: .file())
        var publicKey: String?
        @Option(help: "A decryption party of a multi-party BFV study, as NAME=FILE (its party.pub from `he-cli party init`); repeat for each party, instead of --public-key.")
        var party: [String] = []
        @Option(help: "Multi-party: how many parties must take part in a decryption (2 to the number of parties; default all).")
        var threshold: UInt32?
        @Option(help: "Multi-party: the BFV parameter preset of the collective key (default n4096).")
        var preset: String?
        @Option(name: .customLong("signing-key"), help: "The coordinator's secret signing key.", completion: .file())
        var signingKey: String
        @Option(name: .customLong("max-value"), help: "Largest value a site may declare per cell (stored units).")
        var maxValue: UInt64
        @Option(name: .customLong("max-sites"), help: "Largest number of sites.") var maxSites: UInt32
        @Flag(name: .customLong("inputs-optional"), help: "Let the key holder decrypt without the signed site files.")
        var inputsOptional = false
        @Flag(name: .customLong("test-study"), help: "Mark the study as one of test data.") var testStudy = false
        @Option(name: .customLong("min-sites"), help: "Release policy: fewest distinct verified sites a release needs (default 3; 2 only when given; 1 only in a test study).")
        var minSites: Int?
        @Option(name: .customLong("small-cells"), help: "Release policy: small-cell profile cms, nhs or none (default cms).")
        var smallCells: String?
        @Option(name: .customLong("gwas-min-mac"), help: "Release policy: least minor-allele count per group for a variant's group counts (default 5).")
        var gwasMinMAC: Int64?
        @Option(name: .customLong("dp-budget"), help: "Release policy: the study's privacy budget, a total zCDP rho as a decimal (1) or fraction (1/2), or none (default: none, releases are exact). With a budget every release is differentially private (docs/PRIVACY.md).")
        var dpBudget: String?
        @Option(help: "Output manifest file (never replaced).", completion: .file()) var out: String
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if let problem = SiteID.problem(study) { throw ValidationError("invalid --study '\(study)': \(problem)") }
            if maxValue == 0 { throw ValidationError("--max-value must be at least 1") }
            if maxSites == 0 { throw ValidationError("--max-sites must be at least 1") }
            if (publicKey == nil) == party.isEmpty {
                throw ValidationError("give --public-key (one key holder) or --party NAME=FILE for each decryption party, not both")
            }
            if party.isEmpty && (threshold != nil || preset != nil) {
                throw ValidationError("--threshold and --preset apply to a multi-party study (with --party)")
            }
            for p in party where !p.contains("=") { throw ValidationError("--party '\(p)': expected NAME=FILE (the party's party.pub)") }
        }

        func run() throws {
            try reportingErrors {
                var settings: [String: String] = ["test-study": String(testStudy)]
                if let minSites { settings["min-sites"] = String(minSites) }
                if let smallCells { settings["small-cells"] = smallCells }
                if let gwasMinMAC { settings["gwas-min-mac"] = String(gwasMinMAC) }
                if let dpBudget { settings["dp-budget"] = dpBudget }
                let policy = try ReleasePolicy(manifestPolicy: settings)
                guard let publicKey else {
                    let parties = party.map { p in
                        let i = p.firstIndex(of: "=")!
                        return (name: String(p[..<i]), keyPath: String(p[p.index(after: i)...]))
                    }
                    let signed = try PartyFiles.initialiseStudy(study: study, parties: parties, threshold: threshold, preset: preset,
                                                                signingKeyPath: signingKey, maxValue: maxValue, maxSites: maxSites,
                                                                inputsRequired: !inputsOptional, testStudy: testStudy,
                                                                policy: policy, to: out)
                    if !common.quiet { printWritten(signed) }
                    return
                }
                let signed = try StudyFiles.initialise(study: study, publicKeyPath: publicKey, signingKeyPath: signingKey,
                                                       maxValue: maxValue, maxSites: maxSites,
                                                       inputsRequired: !inputsOptional, testStudy: testStudy,
                                                       policy: policy, to: out)
                if !common.quiet { printWritten(signed) }
            }
        }
    }
}

func printWritten(_ signed: SignedManifest) {
    let m = signed.manifest
    print("wrote \(signed.path): study '\(m.studyID)' version \(m.version), \(m.roster.count) site(s)")
    print("  manifest digest: \(signed.digest.hex)")
}

/// The human text of `study show`.
func describe(_ signed: SignedManifest) -> String {
    let m = signed.manifest
    var lines = [
        "study \(m.studyID), manifest version \(m.version)\(m.testStudy ? " (test study)" : "")",
        "  manifest digest:          \(signed.digest.hex)",
        "  previous version digest:  \(m.version == 1 ? "none (first version)" : m.previousDigest.hex)",
        "  coordinator key (SHA-256): \(m.coordinatorKey.fingerprint.hex)",
        "  encryption key (SHA-256):  \(m.encryptionKeyFingerprint == .zero ? "not set yet (multi-party: study set-key)" : m.encryptionKeyFingerprint.hex)",
        "  largest value per cell:   \(m.maxValue)",
        "  largest number of sites:  \(m.maxSites)",
        "  signed site files required to decrypt: \(m.inputsRequired ? "yes" : "no")",
        "  sites (\(m.roster.count)):",
    ]
    for s in m.roster { lines.append("    \(s.id)  signing key \(s.key.fingerprint.hex)") }
    for (k, v) in m.policy.sorted(by: { $0.key < $1.key }) { lines.append("  policy \(k) = \(v)") }
    if let mp = m.multiparty {
        lines.append("  decryption parties (\(mp.parties.count)), \(mp.threshold) of them decrypt:")
        for p in mp.parties { lines.append("    \(p.id) \(p.name)  party key \(p.key.fingerprint.hex)") }
        lines.append("  common seed (SHA-256):    \(Fingerprint(sha256Of: mp.seed).hex)")
    }
    return lines.map(terminalSafe).joined(separator: "\n") + "\n"
}
