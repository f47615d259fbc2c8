// The differencing rule of the release policy (docs/GOVERNANCE.md, "Differencing"): two releases of one table
// over site sets that differ by fewer sites than `min-sites` would, by subtraction, release the few sites' own
// counts.

import HEFiles

/// Which table a release is of, so that two releases of the same table can be recognised. Opaque: the caller
/// builds it from what makes two releases comparable (for example the table schema's digest and the statistic).
public struct TableIdentity: Sendable, Hashable, CustomStringConvertible {
    private let components: [String]

    /// An identity made of `components` (compared as a whole, in order).
    public init(components: [String]) { self.components = components }

    /// An identity from the digest of the table's schema and the name of the statistic released.
    public init(schemaDigest: Fingerprint, statistic: String) {
        self.init(components: [schemaDigest.hex, statistic])
    }

    public var description: String { components.joined(separator: " ") }
}

/// An earlier release, as the decryption log records it.
public struct PriorRelease: Sendable, Hashable {
    /// Its sequence number in the log.
    public var sequence: UInt64
    public var table: TableIdentity
    /// The distinct verified sites it covered.
    public var sites: Set<String>

    public init(sequence: UInt64, table: TableIdentity, sites: Set<String>) {
        self.sequence = sequence
        self.table = table
        self.sites = sites
    }
}

extension ReleasePolicy {
    /// Refuses a release of `table` over `sites` when an earlier release of the same table covered a site set S'
    /// with 0 < |sites symmetric-difference S'| < ``minSites``; the refusal names the earliest such release (lowest
    /// sequence number) and the sites that differ. A repeat over the same sites is allowed.
    public func checkDifferencing(table: TableIdentity, sites: Set<String>,
                                  earlier: [PriorRelease]) throws(GovernanceError) {
        var found: (sequence: UInt64, differing: Set<String>)?
        for release in earlier where release.table == table {
            let differing = sites.symmetricDifference(release.sites)
            guard !differing.isEmpty, differing.count < minSites else { continue }
            if found == nil || release.sequence < found!.sequence { found = (release.sequence, differing) }
        }
        if let found {
            throw .differencingRelease(sequence: found.sequence,
                                       differing: found.differing.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
                                       minSites: minSites)
        }
    }
}
