import ArgumentParser
import EncryptedStats
import Governance
import GWAS
import HEFiles

// `he-cli party ...`: the decryption parties of a multi-party BFV study (docs/MULTIPARTY.md).

struct Party: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decryption parties of a multi-party BFV study: a collective key no one holds, decryption by shares.",
        discussion: """
        No single party can decrypt: each holds a share of the study's key, and a result is decrypted only when every party (or, in a t-of-N study, any t of them) contributes a decryption share. Each party verifies the aggregate and the release policy and logs the request in its own decryption log before it issues a share. Paillier studies keep a single key holder (docs/MULTIPARTY.md says why).

        Example (three custodians, all needed):
          he-cli party init --out a                     # each party: party.key (secret) and party.pub
          he-cli study init --study s --party a=a/party.pub --party b=b/party.pub --party c=c/party.pub --signing-key coord/signing.key --max-value 100000 --max-sites 10 --out study-v1.hem
          he-cli party keygen --manifest study-v1.hem --party a --folder a --out exchange/
          he-cli party combine-key --manifest study-v1.hem --shares exchange/ --party a --folder a --out public.hekey
          he-cli study set-key --manifest study-v1.hem --public-key public.hekey --signing-key coord/signing.key --out study-v2.hem
          he-cli party decrypt-share --manifest study-v2.hem --party a --folder a --in total.he --inputs sites/ --log a/decryptions.helog --log-key a-log/signing.key --out shares/a.hes
          he-cli party combine --manifest study-v2.hem --public-key public.hekey --in total.he --inputs sites/ --shares shares/ --out totals.csv
        """,
        subcommands: [Init.self, KeyGen.self, CombineKey.self, DecryptShare.self, Combine.self]
    )

    struct FolderOptions: ParsableArguments {
        @Option(help: "This party's name in the manifest.") var party: String
        @Option(help: "This party's folder (party.key from `party init`; key shares and issued shares are kept there).",
                completion: .directory)
        var folder: String
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a party's identity: DIR/party.key (secret, mode 0600) and DIR/party.pub.",
            discussion: """
            party.pub holds the party's Ed25519 key (it signs every file the party publishes) and its X25519 key (the other parties encrypt its Shamir shares to it in a t-of-N study). The party sends party.pub to the coordinator, who names it in the study manifest (study init --party NAME=party.pub). Existing files are never replaced.

            Example:
              he-cli party init --out custodian-a
            """
        )
        @Option(help: "Folder for party.key and party.pub (created if missing).", completion: .directory) var out: String
        @OptionGroup var common: CommonOptions

        func run() throws {
            try reportingErrors {
                let key = try PartyKeyFiles.generate(in: out)
                if !common.quiet {
                    print("wrote \(out)/\(PartyKeyFiles.secretFileName) (secret, mode 0600) and \(out)/\(PartyKeyFiles.publicFileName)")
                    print("  party-key fingerprint (SHA-256): \(key.fingerprint.hex)")
                }
            }
        }
    }

    struct KeyGen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Draw this party's share of the collective key and publish its public-key share.",
            discussion: """
            Writes FOLDER/key-generation.hekey (secret, mode 0600) and, into --out, NAME.key-share.hes (the public-key share, signed) and, in a t-of-N study, NAME.to-OTHER.hes for every other party: a Shamir share of this party's secret, encrypted to that party and signed. Everything in --out is meant to be published to the other parties.

            Example:
              he-cli party keygen --manifest study-v1.hem --party custodian-a --folder custodian-a --out exchange/
            """
        )
        @OptionGroup var study: ManifestOptions
        @OptionGroup var me: FolderOptions
        @Option(help: "Folder for the files to publish (created if missing).", completion: .directory) var out: String
        @OptionGroup var common: CommonOptions

        func validate() throws { if study.manifest == nil { throw ValidationError("--manifest is required") } }

        func run() throws {
            try reportingErrors {
                let result = try PartyFiles.keygen(manifest: study.source!, party: me.party, folder: PartyFolder(me.folder), publishTo: out)
                if !common.quiet {
                    print("wrote \(result.secretFile) (secret, mode 0600)")
                    print("published \(result.publicKeyShare)" + (result.shamirShares.isEmpty ? "" : " and \(result.shamirShares.count) encrypted Shamir share(s)"))
                }
            }
        }
    }

    struct CombineKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "combine-key",
            abstract: "Combine the parties' public-key shares into the study's public key (each party recomputes it).",
            discussion: """
            Reads every party's NAME.key-share.hes (files or folders of *.hes), verifies each signature against the manifest, refuses a missing, duplicated or foreign share by name, and writes the collective public key, byte for byte the same whoever runs it; sites encrypt under it as under any public key. Given --party and --folder, it also writes FOLDER/decryption-key.hekey (mode 0600): the party's key share, or in a t-of-N study its threshold share from the Shamir shares sent to it. The printed fingerprint is the one the coordinator sets with `study set-key`.

            Example:
              he-cli party combine-key --manifest study-v1.hem --shares exchange/ --party custodian-a --folder custodian-a --out public.hekey
              he-cli party combine-key --manifest study-v1.hem --shares exchange/ --out public.hekey
            """
        )
        @OptionGroup var study: ManifestOptions
        @Option(parsing: .upToNextOption, help: "The published key shares (and Shamir shares): files or folders.", completion: .file())
        var shares: [String]
        @Option(help: "This party's name (with --folder) to also write its decryption key.") var party: String?
        @Option(help: "This party's folder (with --party).", completion: .directory) var folder: String?
        @Option(help: "Output public key file.", completion: .file()) var out: String
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if study.manifest == nil { throw ValidationError("--manifest is required") }
            if (party == nil) != (folder == nil) { throw ValidationError("--party and --folder go together") }
        }

        func run() throws {
            try reportingErrors {
                try refuseOutputsReplacingInputs(outputs: [out], inputs: study.paths + shares)
                let me = party.flatMap { p in folder.map { (name: p, folder: PartyFolder($0)) } }
                let result = try PartyFiles.combineKey(manifest: study.source!, shares: shares, to: out, party: me)
                if !common.quiet {
                    print("wrote \(out): collective public key of the study")
                    print("  public-key fingerprint (SHA-256): \(result.keys.publicKeyFingerprint.hex)")
                    print("  site ciphertexts keep \(result.transportLimbCount) prime(s) (room for the parties' smudging noise)")
                    if let path = result.decryptionKeyPath { print("wrote \(path) (secret, mode 0600)") }
                }
            }
        }
    }

    struct DecryptShare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decrypt-share",
            abstract: "Issue this party's decryption share of a verified aggregate, under the release policy and logged.",
            discussion: """
            The aggregate is verified first (statements; with --inputs the sum recomputed from the signed site files), then the release policy (minimum number of sites; the differencing rule over this party's log). The request, or its refusal, is appended to this party's decryption log and fsynced before the share is written (mode 0600) with a receipt <out>.release.json. A ciphertext this party has shared before gets the stored share (the same bytes), never a fresh one; one shared for another active set is refused. Presets whose modulus leaves too little room for the smudging noise are refused with the numbers.

            Example:
              he-cli party decrypt-share --manifest study-v2.hem --party custodian-a --folder custodian-a --in total.he --inputs sites/ --log custodian-a/decryptions.helog --log-key custodian-a-log/signing.key --out shares/custodian-a.hes
              he-cli party decrypt-share --manifest study-v2.hem --party custodian-a --folder custodian-a --in total.he --inputs sites/ --active custodian-a,custodian-c --log custodian-a/decryptions.helog --log-key custodian-a-log/signing.key --out shares/custodian-a.hes
            """
        )
        @OptionGroup var verify: VerificationOptions
        @OptionGroup var me: FolderOptions
        @Option(name: .customLong("in"), help: "The encrypted aggregate.", completion: .file()) var input: String
        @Option(help: "t-of-N: the parties that decrypt, comma-separated (at least the threshold, this party among them).")
        var active: String?
        @Option(name: .customLong("to-analyst"), help: "Re-encrypt to this analyst's own BFV public key instead of decrypting for the combiner.",
                completion: .file())
        var toAnalyst: String?
        @Option(help: "Output share file.", completion: .file()) var out: String
        @OptionGroup var release: ReleaseLogOptions
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if verify.study.manifest == nil { throw ValidationError("--manifest is required") }
            if release.log == nil { throw ValidationError("--log and --log-key are required: every decryption share is logged") }
        }

        func run() throws {
            try reportingErrors {
                try refuseOutputsReplacingInputs(outputs: [out, out + ".release.json"],
                                                 inputs: [input] + verify.study.paths + verify.inputs + release.paths + (toAnalyst.map { [$0] } ?? []))
                let issued = try PartyFiles.decryptShare(input, manifest: verify.study.source!, party: me.party, folder: PartyFolder(me.folder),
                                                         inputs: verify.inputs,
                                                         active: active?.split(separator: ",").map(String.init),
                                                         analystKey: toAnalyst, to: out,
                                                         logging: try release.logging()!)
                if !common.quiet {
                    print("wrote \(out): share of party \(me.party) for \(issued.ciphertexts) ciphertext(s)"
                          + (issued.reused > 0 ? ", \(issued.reused) as issued before" : ""))
                    print("  active parties: \(issued.active.joined(separator: ", "))")
                    print("  smudging: \(issued.smudging)")
                    print("  logged as entry \(issued.receipt.entry) of \(issued.receipt.logPath)"
                          + (issued.receipt.record.repeatOf.map { ", a repeat of entry \($0)" } ?? "") + "; receipt \(out).release.json")
                }
            }
        }
    }

    struct Combine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the parties' decryption shares into the totals (or, for a GWAS aggregate, the report).",
            discussion: """
            Every share is verified against the manifest (the party's signature, this aggregate, one active set) and a missing, duplicated or foreign share is refused by name. The release then runs as `decrypt` (or, with --report, as `gwas report`) does: the aggregate verified, the release policy applied (small cells withheld), the release logged with --log before anything is written.

            Example:
              he-cli party combine --manifest study-v2.hem --public-key public.hekey --in total.he --inputs sites/ --shares shares/ --out totals.csv
              he-cli party combine --manifest study-v2.hem --public-key public.hekey --in gwas-total.he --inputs sites/ --shares shares/ --report pooled

            Re-encryption to an analyst's own key (the parties ran decrypt-share --to-analyst analyst/public.hekey); the combiner learns nothing:
              he-cli party combine --manifest study-v2.hem --public-key public.hekey --in total.he --inputs sites/ --shares shares/ --to-analyst analyst/public.hekey --out total-analyst.he
            """
        )
        @OptionGroup var verify: VerificationOptions
        @Option(name: .customLong("public-key"), help: "The collective public key (from party combine-key).", completion: .file())
        var publicKey: String
        @Option(name: .customLong("in"), help: "The encrypted aggregate.", completion: .file()) var input: String
        @Option(parsing: .upToNextOption, help: "The parties' decryption shares: files or folders of *.hes.", completion: .file())
        var shares: [String]
        @Option(help: "Output file for the totals (count tables).", completion: .file()) var out: String?
        @Option(help: "Output format: csv or json (default: json when --out ends in .json, else csv).") var format: TotalsFormat?
        @Option(help: "GWAS aggregate: the report's file prefix (PREFIX.assoc, as gwas report writes).") var report: String?
        @Option(name: .customLong("to-analyst"), help: "Combine key-switch shares into an aggregate under this analyst's public key, written to --out.",
                completion: .file())
        var toAnalyst: String?
        @OptionGroup var release: ReleaseLogOptions
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if verify.study.manifest == nil { throw ValidationError("--manifest is required") }
            if (out == nil) == (report == nil) { throw ValidationError("give --out (totals) or --report PREFIX (GWAS), one of them") }
            if toAnalyst != nil && (report != nil || format != nil || release.log != nil) {
                throw ValidationError("--to-analyst writes an encrypted aggregate to --out: --report, --format and --log do not apply (the analyst's decrypt releases it)")
            }
        }

        func run() throws {
            try reportingErrors {
                if let toAnalyst, let out {
                    try refuseOutputsReplacingInputs(outputs: [out], inputs: [input, publicKey, toAnalyst] + shares + verify.study.paths + verify.inputs)
                    let h = try PartyFiles.reencrypt(input, manifest: verify.study.source!, publicKeyPath: publicKey, shares: shares,
                                                     analystKey: toAnalyst, inputs: verify.inputs, to: out)
                    if !common.quiet {
                        print("wrote \(out): the aggregate of \(h.contributors.count) site(s) under the analyst's key \(h.publicKeyFingerprint.hex.prefix(16))...")
                        print("  the analyst decrypts it with its own secret key: he-cli decrypt --secret-key ... --in \(out) --out totals.csv")
                    }
                } else if let out {
                    try refuseOutputsReplacingInputs(outputs: [out, out + ".release.json"],
                                                     inputs: [input, publicKey] + shares + verify.study.paths + verify.inputs + release.paths)
                    let format = self.format ?? (out.lowercased().hasSuffix(".json") ? .json : .csv)
                    let (totals, receipt) = try EncryptedTableFiles.decrypt(input, secretKeyPath: publicKey, to: out, format: format,
                                                                            verification: verify.verification,
                                                                            logging: try release.logging(), combining: shares)
                    if !common.quiet {
                        print("combined totals of \(totals.contributors.count) site(s) written to \(out)")
                        print("  sites: \(totals.contributors.joined(separator: ", "))")
                        if let receipt { print("  logged as entry \(receipt.entry) of \(receipt.logPath); receipt \(out).release.json") }
                    }
                    ReleaseWarnings.afterDecryption(input: input, contributors: totals.contributors,
                                                    withheld: totals.withheld.isEmpty ? nil : "\(totals.withheld.count) cell(s) (empty in the output)")
                } else if let report {
                    let result = try GwasFiles.report(input, secretKeyPath: publicKey, prefix: report, files: [.assoc],
                                                           options: GwasOptions(), verification: verify.verification,
                                                           logging: try release.logging(), combining: shares)
                    if !common.quiet {
                        print("combined GWAS report of \(result.contributors.count) site(s), \(result.variants) variant(s)")
                        for path in result.written { print("  wrote \(path)") }
                    }
                }
            }
        }
    }
}
