import HEFiles

// Bytes of a study manifest file (docs/FORMAT.md, "Study manifest"). Little-endian, `string` = u32 length + UTF-8.

enum ManifestCodec {
    static let magic: [UInt8] = Array("HEMF".utf8)
    /// 1 for single-key studies; 2 when the manifest has a multi-party section (docs/FORMAT.md).
    static let formatVersion: UInt16 = 1
    static let multipartyFormatVersion: UInt16 = 2
    /// Signed before the body: the signature cannot be taken for one over any other toolkit message.
    static let context: [UInt8] = Array("he-toolkit study manifest v1".utf8) + [0]
    static let maxEntries = 1 << 16

    static func encodeBody(_ m: StudyManifest) -> [UInt8] {
        var w = HEFiles.ByteWriter()
        w.raw(magic)
        w.u16(m.multiparty == nil ? formatVersion : multipartyFormatVersion)
        w.u16(0)
        w.u32(m.version)
        w.raw(m.previousDigest.bytes)
        w.string(m.studyID)
        w.raw(m.coordinatorKey.rawBytes)
        w.raw(m.encryptionKeyFingerprint.bytes)
        w.u64(m.maxValue)
        w.u32(m.maxSites)
        w.u8((m.inputsRequired ? 1 : 0) | (m.testStudy ? 2 : 0))
        w.u8(0)
        w.u16(0)
        let policy = m.policy.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        w.u32(UInt32(policy.count))
        for (k, v) in policy { w.string(k); w.string(v) }
        w.u32(UInt32(m.roster.count))
        for s in m.roster { w.string(s.id); w.raw(s.key.rawBytes) }
        if let mp = m.multiparty { encodeMultiparty(mp, into: &w) }
        return w.bytes
    }

    /// The manifest and the length of its body (everything before the signature).
    static func decodeBody(_ bytes: [UInt8], path: String) throws(GovernanceError) -> (StudyManifest, Int) {
        var r = HEFiles.ByteReader(bytes) { field, reason in GovernanceError.manifestDamaged(path: path, reason: "\(field): \(reason)") }
        func bad(_ reason: String) -> GovernanceError { .manifestDamaged(path: path, reason: reason) }
        guard try r.raw(4, "magic") == magic else { throw bad("not a study manifest (wrong magic)") }
        let fv = try r.u16("format version")
        guard fv == formatVersion || fv == multipartyFormatVersion else {
            throw bad("manifest format version \(fv) is not supported (this build reads 1 and 2)")
        }
        guard try r.u16("reserved") == 0 else { throw bad("reserved: must be 0") }
        let version = try r.u32("version")
        guard version >= 1 else { throw bad("version: must be at least 1") }
        let previous = Fingerprint(unchecked: try r.raw(32, "previous digest"))
        guard (version == 1) == (previous == .zero) else {
            throw bad("previous digest: must be zero exactly in version 1")
        }
        let study = try r.string("study ID", maxLength: SiteID.maxLength)
        if let reason = SiteID.problem(study) { throw bad("study ID: \(reason)") }
        let coordinator = try key(try r.raw(32, "coordinator key"), path: path, what: "coordinator key")
        let encryption = Fingerprint(unchecked: try r.raw(32, "encryption-key fingerprint"))
        let maxValue = try r.u64("max value")
        let maxSites = try r.u32("max sites")
        let flags = try r.u8("flags")
        guard flags & ~3 == 0 else { throw bad("flags: unknown bits set") }
        guard try r.u8("reserved") == 0, try r.u16("reserved") == 0 else { throw bad("reserved: must be 0") }
        var m = StudyManifest(studyID: study, coordinatorKey: coordinator, encryptionKeyFingerprint: encryption,
                              maxValue: maxValue, maxSites: maxSites, inputsRequired: flags & 1 != 0,
                              testStudy: flags & 2 != 0)
        m.version = version
        m.previousDigest = previous
        let policyCount = Int(try r.u32("policy count"))
        guard policyCount <= maxEntries else { throw bad("policy count: \(policyCount) entries") }
        var lastKey: String? = nil
        for i in 0 ..< policyCount {
            let k = try r.string("policy \(i + 1) key")
            let v = try r.string("policy \(i + 1) value")
            if let lastKey, !lastKey.utf8.lexicographicallyPrecedes(k.utf8) { throw bad("policy: keys not sorted or repeated") }
            lastKey = k
            m.policy[k] = v
        }
        let siteCount = Int(try r.u32("roster count"))
        guard siteCount <= maxEntries else { throw bad("roster count: \(siteCount) sites") }
        var sites: [StudyManifest.Site] = []
        for i in 0 ..< siteCount {
            let id = try r.string("roster \(i + 1) site ID", maxLength: SiteID.maxLength)
            if let reason = SiteID.problem(id) { throw bad("roster \(i + 1) site ID: \(reason)") }
            if let last = sites.last, !last.id.utf8.lexicographicallyPrecedes(id.utf8) {
                throw bad("roster: site IDs not sorted or repeated ('\(id)')")
            }
            sites.append(.init(id: id, key: try key(try r.raw(32, "roster \(i + 1) key"), path: path, what: "key of site '\(id)'")))
        }
        guard sites.count <= Int(maxSites) else { throw bad("roster: \(sites.count) sites, more than max sites \(maxSites)") }
        m.setRoster(sites)
        if fv == multipartyFormatVersion { m.multiparty = try decodeMultiparty(&r, path: path) }
        return (m, bytes.count - r.remaining)
    }

    private static func key(_ raw: [UInt8], path: String, what: String) throws(GovernanceError) -> SigningPublicKey {
        do { return try SigningPublicKey(rawBytes: raw) } catch {
            throw .manifestDamaged(path: path, reason: "\(what) is not an Ed25519 public key")
        }
    }
}
