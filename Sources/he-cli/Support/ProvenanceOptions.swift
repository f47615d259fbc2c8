import ArgumentParser
import Foundation
import Governance
import HEFiles

// The options of signed studies shared by the commands: the manifest, the coordinator fingerprint announced out
// of band, a site's signing key, the signed site files a key holder recomputes an aggregate from.

/// The state directory of seen manifests: `$HE_TOOLKIT_STATE`, else `${XDG_STATE_HOME:-$HOME/.local/state}/he-toolkit`.
func manifestStateDirectory() -> String {
    let env = ProcessInfo.processInfo.environment
    if let dir = env["HE_TOOLKIT_STATE"], !dir.isEmpty { return dir }
    if let xdg = env["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/he-toolkit" }
    return (env["HOME"] ?? ".") + "/.local/state/he-toolkit"
}

struct ManifestOptions: ParsableArguments {
    @Option(help: "The signed study manifest (.hem); every signed file is verified against it.", completion: .file())
    var manifest: String?

    @Option(help: "The coordinator's public-key fingerprint announced out of band (64 hex digits, spaces allowed).")
    var coordinator: String?

    func validate() throws {
        if let coordinator, Fingerprint(hex: coordinator) == nil {
            throw ValidationError("--coordinator must be the 64 hex digits of a SHA-256 fingerprint")
        }
        if coordinator != nil && manifest == nil { throw ValidationError("--coordinator applies with --manifest only") }
    }

    /// The manifest source, remembering versions in the state directory; nil without `--manifest`.
    var source: ManifestSource? {
        manifest.map {
            ManifestSource(path: $0, coordinator: coordinator.flatMap(Fingerprint.init(hex:)),
                           trust: ManifestTrust(directory: manifestStateDirectory()))
        }
    }

    var paths: [String] { manifest.map { [$0] } ?? [] }
}

struct SigningOptions: ParsableArguments {
    @OptionGroup var study: ManifestOptions

    @Option(name: .customLong("signing-key"), help: "This site's secret signing key (signing.key, mode 0600); with --manifest.",
            completion: .file())
    var signingKey: String?

    func validate() throws {
        if (study.manifest == nil) != (signingKey == nil) {
            throw ValidationError("--manifest and --signing-key go together: give both to sign the file, or neither")
        }
    }

    var signing: (manifest: ManifestSource, signingKeyPath: String)? {
        guard let source = study.source, let signingKey else { return nil }
        return (source, signingKey)
    }

    var paths: [String] { study.paths + (signingKey.map { [$0] } ?? []) }
}

struct VerificationOptions: ParsableArguments {
    @OptionGroup var study: ManifestOptions

    @Option(parsing: .upToNextOption, help: "The signed site files (or folders of them) to recompute the aggregate from; with --manifest.",
            completion: .file())
    var inputs: [String] = []

    func validate() throws {
        if !inputs.isEmpty && study.manifest == nil { throw ValidationError("--inputs applies with --manifest only") }
    }

    var verification: (manifest: ManifestSource, inputs: [String])? {
        study.source.map { ($0, inputs) }
    }

    /// The warning shown when the key holder decrypts without a manifest.
    static let unverifiedWarning = "no --manifest: the contributor list and the content of the file are not verified "
        + "(anyone on the path could have dropped, added or altered a site's data)"
}

/// `inspect`'s lines for the statements of a file: site, study, manifest digest, time, and with a manifest
/// whether each verifies (and the file as a whole).
func statementLines(_ h: ContainerHeader, path: String, contentDigest: Fingerprint?,
                    manifest: SignedManifest?) throws -> [(String, String)] {
    guard !h.statements.isEmpty else { return [("statements", "none (unsigned file)")] }
    var lines: [(String, String)] = [("statements", "\(h.statements.count)")]
    let formatter = ISO8601DateFormatter()
    for (i, s) in try ProvenanceCheck.statements(of: h, path: path).enumerated() {
        let time = formatter.string(from: Date(timeIntervalSince1970: Double(s.createdMilliseconds) / 1000))
        var text = "site \(s.siteID), study \(s.studyID), manifest \(s.manifestDigest.hex.prefix(16))..., \(time)"
        if let manifest {
            text += ProvenanceCheck.problem(of: s, path: path, manifest: manifest).map { ": REFUSED: \($0)" } ?? ": verifies"
        }
        lines.append(("  statement \(i + 1)", text))
    }
    if let manifest {
        do throws(GovernanceError) {
            try ProvenanceCheck.verify(header: h, path: path, manifest: manifest, contentDigest: contentDigest)
            lines.append(("provenance", "verifies against \(manifest.path) (version \(manifest.manifest.version))"))
        } catch {
            lines.append(("provenance", "REFUSED: \(ErrorMessages.message(error))"))
        }
    }
    return lines
}
