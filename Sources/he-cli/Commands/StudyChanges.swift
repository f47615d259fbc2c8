import ArgumentParser
import Governance
import HEFiles

// `study add-site` and `study remove-site`: the next version of a manifest.

extension Study {
    struct AddSite: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the next version with a site added (or its key replaced).")

        @OptionGroup var study: ManifestOptions
        @Option(help: "The site ID.") var site: String
        @Option(name: .customLong("site-key"), help: "The site's public signing key (signing.pub).", completion: .file())
        var siteKey: String
        @Option(name: .customLong("signing-key"), help: "The coordinator's secret signing key.", completion: .file())
        var signingKey: String
        @Option(help: "Output manifest file (never replaced).", completion: .file()) var out: String
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if study.manifest == nil { throw ValidationError("give the current version with --manifest") }
            if let problem = SiteID.problem(site) { throw ValidationError("invalid --site '\(site)': \(problem)") }
        }

        func run() throws {
            try reportingErrors {
                let signed = try StudyFiles.addSite(site, siteKeyPath: siteKey, manifest: study.source!,
                                                    signingKeyPath: signingKey, to: out)
                if !common.quiet { printWritten(signed) }
            }
        }
    }

    struct RemoveSite: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the next version with a site removed.")

        @OptionGroup var study: ManifestOptions
        @Option(help: "The site ID.") var site: String
        @Option(name: .customLong("signing-key"), help: "The coordinator's secret signing key.", completion: .file())
        var signingKey: String
        @Option(help: "Output manifest file (never replaced).", completion: .file()) var out: String
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if study.manifest == nil { throw ValidationError("give the current version with --manifest") }
        }

        func run() throws {
            try reportingErrors {
                let signed = try StudyFiles.removeSite(site, manifest: study.source!, signingKeyPath: signingKey, to: out)
                if !common.quiet { printWritten(signed) }
            }
        }
    }
}

extension Study {
    struct SetKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-key",
            abstract: "Write the next version of a multi-party study with its collective encryption key.",
            discussion: """
            The collective key is the public.hekey that `he-cli party combine-key` writes; every party recomputes it from the published key shares, and the coordinator pins its fingerprint here. A study's key is set once.

            Example:
              he-cli study set-key --manifest study-v1.hem --public-key public.hekey --signing-key coord/signing.key --out study-v2.hem
            """
        )

        @OptionGroup var study: ManifestOptions
        @Option(name: .customLong("public-key"), help: "The collective public key file.", completion: .file()) var publicKey: String
        @Option(name: .customLong("signing-key"), help: "The coordinator's secret signing key.", completion: .file())
        var signingKey: String
        @Option(help: "Output manifest file (never replaced).", completion: .file()) var out: String
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if study.manifest == nil { throw ValidationError("--manifest is required") }
        }

        func run() throws {
            try reportingErrors {
                let signed = try StudyFiles.setEncryptionKey(publicKeyPath: publicKey, manifest: study.source!,
                                                             signingKeyPath: signingKey, to: out)
                if !common.quiet {
                    printWritten(signed)
                    print("  encryption key (SHA-256): \(signed.manifest.encryptionKeyFingerprint.hex)")
                }
            }
        }
    }
}
