import HEFiles

// The one rule for what may be summed, used by every path that adds encrypted tables (files and in-memory
// vectors): no site twice, declared bounds that add up within a slot's capacity, and no more contributions than
// the scheme's noise bound allows. The Paillier library keeps its own packing invariant (a packed slot never
// overflows into its neighbour) for callers of its API; this rule is what the toolkit enforces on top.

/// Accumulates inputs of one sum and refuses the first one that would break the aggregation rule.
public struct AggregationRule: Sendable {
    public let layout: SlotLayout
    /// Every input admitted so far (file paths or names), for the messages.
    public private(set) var sources: [String] = []
    /// The sum of the admitted inputs' declared bounds: an upper bound on the absolute value of every slot.
    public private(set) var bound: UInt64 = 0
    /// Site IDs of the admitted inputs, in order.
    public private(set) var contributors: [String] = []
    private var sourceOfSite: [String: String] = [:]

    public init(layout: SlotLayout) {
        self.layout = layout
    }

    /// Admits one input holding `contributors` with a declared bound of `bound` per slot. `allSources` names every
    /// input of the sum in the messages about bounds (nil: the inputs admitted so far and this one).
    public mutating func admit(contributors sites: [String], bound inputBound: UInt64, source: String,
                               allSources: [String]? = nil) throws(EncryptedStatsError) {
        let named = allSources ?? sources + [source]
        for site in sites {
            if let other = sourceOfSite[site] { throw .duplicateContributor(site: site, first: other, second: source) }
        }
        let (sum, overflow) = bound.addingReportingOverflow(inputBound)
        if overflow || sum > layout.slotCapacity {
            throw .slotOverflow(files: named, bound: overflow ? .max : sum, capacity: layout.slotCapacity)
        }
        let contributions = contributors.count + sites.count
        if !layout.allows(contributions: contributions) {
            throw .tooManyContributions(files: named, count: contributions, limit: layout.maxContributions)
        }
        for site in sites { sourceOfSite[site] = source }
        contributors += sites
        bound = sum
        sources.append(source)
    }
}
