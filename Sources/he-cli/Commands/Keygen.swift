import ArgumentParser
import EncryptedStats
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
            var isDirectory: ObjCBool = false
            var created = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw EncryptedStatsError.fileUnwritable(path: out, reason: "exists and is not a directory")
                }
            } else if mkdir(out, 0o700) != 0 {
                throw EncryptedStatsError.fileUnwritable(path: out, reason: String(cString: strerror(errno)))
            } else {
                created = true
            }
            // A failed or interrupted run leaves nothing behind, not even the folder it made (rmdir removes only an
            // empty one).
            var succeeded = false
            if created { InterruptCleanup.removeOnInterrupt(directory: out) }
            defer {
                if created && !succeeded { rmdir(out) }
                InterruptCleanup.removeOnInterrupt(directory: nil)
            }
            let publicPath = (out as NSString).appendingPathComponent(KeyFiles.publicKeyName)
            let secretPath = (out as NSString).appendingPathComponent(KeyFiles.secretKeyName)
            for path in [publicPath, secretPath] where FileManager.default.fileExists(atPath: path) {
                throw EncryptedStatsError.outputExists(path: path)
            }
            Console.note("generating a \(scheme) key pair...", quiet: common.quiet)
            let keys = try SchemeRegistry.generateKeys(
                scheme: scheme, options: KeyGenerationOptions(modulusBits: bits, preset: preset, warn: !common.quiet))
            // The two files are written with Ctrl-C held back, so an interruption never leaves one without the other.
            try InterruptCleanup.deferringSignals { () throws(EncryptedStatsError) in
                try KeyFiles.writeSecret(keys, to: secretPath)
                do throws(EncryptedStatsError) {
                    try KeyFiles.writePublic(keys, to: publicPath)
                } catch {
                    unlink(secretPath)
                    throw error
                }
            }
            succeeded = true
            if common.quiet {
                print(keys.publicKeyFingerprint.hex)
            } else {
                let summary = try SchemeRegistry.evaluator(scheme: keys.scheme, parameters: keys.parameters).parameterSummary
                print("scheme:      \(keys.scheme) (\(summary.map { "\($0.0) \($0.1)" }.joined(separator: ", ")))")
                print("public key:  \(publicPath)  (give this file to every site)")
                print("secret key:  \(secretPath)  (mode 0600; keep it on this machine, back it up offline)")
                print("fingerprint: \(keys.publicKeyFingerprint)")
            }
        }
    }
}
