#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HEFiles

// Rollback and fork protection for manifests (docs/SECURITY.md): per study ID, the coordinator key and the
// highest version seen with its digest, in one small file per study under a state directory, replaced atomically
// under a lock file beside it.
// A manifest of a lower version than one seen, the same version with another digest, or another coordinator key
// for a known study is refused. The first manifest of a study is trusted as it is (trust on first use) unless
// the coordinator fingerprint announced out of band is given.

/// What a state directory remembers of one study.
public struct ManifestRecord: Sendable, Hashable {
    public var version: UInt32
    public var digest: Fingerprint
    public var coordinator: Fingerprint
}

/// The state directory of seen manifests.
public struct ManifestTrust: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Verifies `manifest` against `coordinator` (when given) and against what was seen of its study, then
    /// remembers it when it is newer.
    public func admit(_ signed: SignedManifest, coordinator: Fingerprint?) throws(GovernanceError) {
        let m = signed.manifest
        let found = m.coordinatorKey.fingerprint
        if let coordinator, coordinator != found {
            throw .coordinatorKeyMismatch(path: signed.path, study: m.studyID, expected: coordinator, found: found)
        }
        let path = file(for: m.studyID)
        // Read, compare and replace under an exclusive lock, so that two runs admitting versions 4 and 5 at once
        // cannot leave version 4 recorded after 5 was seen (which would let version 4 back in).
        try makeDirectory(directory)
        let lock = try POSIXFile(path: path + ".lock", flags: O_RDWR | O_CREAT)
        try lock.lockExclusive()
        try admitLocked(signed, path: path, found: found)
        lock.release()
    }

    private func admitLocked(_ signed: SignedManifest, path: String, found: Fingerprint) throws(GovernanceError) {
        let m = signed.manifest
        if let seen = try record(at: path) {
            guard seen.coordinator == found else {
                throw .coordinatorKeyMismatch(path: signed.path, study: m.studyID, expected: seen.coordinator, found: found)
            }
            guard m.version >= seen.version else {
                throw .manifestRolledBack(path: signed.path, study: m.studyID, version: m.version, seen: seen.version)
            }
            if m.version == seen.version {
                guard signed.digest == seen.digest else {
                    throw .manifestForked(path: signed.path, study: m.studyID, version: m.version)
                }
                return
            }
        }
        let text = "he-toolkit manifest state v1\nstudy \(m.studyID)\nversion \(m.version)\ndigest \(signed.digest.hex)\n"
            + "coordinator \(found.hex)\n"
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(Array(text.utf8), to: path) }
    }

    /// The record of `study`, if one was seen.
    public func record(study: String) throws(GovernanceError) -> ManifestRecord? { try record(at: file(for: study)) }

    private func file(for study: String) -> String {
        directory + "/manifest-" + Fingerprint(sha256Of: Array(study.utf8)).hex.prefix(32) + ".state"
    }

    private func record(at path: String) throws(GovernanceError) -> ManifestRecord? {
        guard access(path, F_OK) == 0 else { return nil }
        let bytes = try files { () throws(HEFilesError) in try readWholeFile(path) }
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let v = fields["version"].flatMap({ UInt32($0) }), let d = fields["digest"].flatMap(Fingerprint.init(hex:)),
              let c = fields["coordinator"].flatMap(Fingerprint.init(hex:)) else {
            throw .stateDamaged(path: path)
        }
        return ManifestRecord(version: v, digest: d, coordinator: c)
    }
}

extension Fingerprint {
    /// Parses 64 hex digits (as printed by `study show` and `site-key generate`); spaces are ignored.
    public init?(hex: String) {
        let digits = Array(hex.filter { $0 != " " }.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let b = UInt8(String(decoding: digits[i ..< i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(b)
        }
        self.init(unchecked: bytes)
    }
}

/// Where a manifest comes from and how it is trusted: its path, the coordinator fingerprint announced out of
/// band (optional) and the state directory of seen manifests (optional; nil checks nothing across runs).
public struct ManifestSource: Sendable {
    public var path: String
    public var coordinator: Fingerprint?
    public var trust: ManifestTrust?

    public init(path: String, coordinator: Fingerprint? = nil, trust: ManifestTrust? = nil) {
        self.path = path
        self.coordinator = coordinator
        self.trust = trust
    }

    /// Reads the manifest, verifies its signature, the coordinator and the version against what was seen.
    public func load() throws(GovernanceError) -> SignedManifest {
        let signed = try SignedManifest.read(path)
        if let trust {
            try trust.admit(signed, coordinator: coordinator)
        } else if let coordinator, coordinator != signed.manifest.coordinatorKey.fingerprint {
            throw .coordinatorKeyMismatch(path: path, study: signed.manifest.studyID, expected: coordinator,
                                          found: signed.manifest.coordinatorKey.fingerprint)
        }
        return signed
    }
}
