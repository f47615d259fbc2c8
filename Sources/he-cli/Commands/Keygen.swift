import ArgumentParser
import EncryptedStats
import GWAS
import HEFiles

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a key pair (key holder).",
        discussion: """
        Writes DIR/public.hekey (give it to every site) and DIR/secret.hekey (mode 0600; it never leaves the key holder's machine), and prints the public-key fingerprint that sites can compare before encrypting. Existing key files are never overwritten.

        Example:
          he-cli keygen --scheme paillier --out keys/
          he-cli keygen --scheme bfv --out keys-bfv/
        """
    )

    @Option(name: .customLong("scheme"), help: "Encryption scheme: paillier (the default) or bfv.")
    var schemeOption: SchemeID?

    /// `--scheme`, Paillier when not given (an optional keeps ArgumentParser from printing the raw value as default).
    var scheme: SchemeID { schemeOption ?? .paillier }

    @Option(help: "Paillier modulus size in bits: 2048 (112-bit security), 3072 (default, 128-bit) or 4096.")
    var bits: Int?

    @Option(help: ArgumentHelp("BFV parameter preset: \(SchemeRegistry.bfvPresets.joined(separator: ", ")) (ring degree N; all 128-bit security; default n4096).",
                               valueName: "name"))
    var preset: String?

    @Option(help: "Directory for the key files (created with mode 0700 if missing).", completion: .directory)
    var out: String

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if bits != nil && scheme != .paillier { throw ValidationError("--bits applies to --scheme paillier only") }
        if preset != nil && scheme != .bfv { throw ValidationError("--preset applies to --scheme bfv only") }
        if let preset, !SchemeRegistry.bfvPresets.contains(preset) {
            throw ValidationError("unknown --preset '\(preset)' (known: \(SchemeRegistry.bfvPresets.joined(separator: ", ")))")
        }
        if let bits, ![2048, 3072, 4096].contains(bits) {
            throw ValidationError("--bits must be 2048, 3072 or 4096")
        }
    }

    func run() throws {
        try reportingErrors {
            let options = KeyGenerationOptions(modulusBits: bits, preset: preset)
            var ticker: ElapsedTicker?
            defer { ticker?.finish() }
            let created = try KeyFiles.createKeyPair(scheme: scheme, options: options, in: out) {
                if let warning = options.securityWarning { Console.note(warning, quiet: common.quiet) }
                ticker = ElapsedTicker("generating a \(scheme) key pair", quiet: common.quiet)
            }
            ticker?.finish()
            let keys = created.keys
            if common.quiet {
                print(keys.publicKeyFingerprint.hex)
            } else {
                let summary = try SchemeRegistry.evaluator(scheme: keys.scheme, parameters: keys.parameters).parameterSummary
                print("scheme:      \(keys.scheme) (\(summary.map { "\($0.0) \($0.1)" }.joined(separator: ", ")))")
                print("public key:  \(created.publicKeyPath)  (give this file to every site)")
                print("secret key:  \(created.secretKeyPath)  (mode 0600; keep it on this machine, back it up offline)")
                print("fingerprint: \(keys.publicKeyFingerprint)")
            }
        }
    }
}
