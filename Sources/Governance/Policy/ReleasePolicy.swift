// The release policy of a study (docs/GOVERNANCE.md): the typed view of the signed manifest's `policy` map, and
// the site-count rule it imposes on every release.

import Privacy

/// The small-cell rule applied to released count tables.
public enum SmallCellProfile: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// CMS cell-size suppression policy: values 1 to 10 are suppressed, 0 is shown, others are shown exactly.
    case cms
    /// NHS Digital HES analysis guide: values 1 to 7 are suppressed, 0 is shown, every other released value is
    /// rounded to the nearest 5.
    case nhs
    /// Nothing is suppressed or rounded.
    case none

    /// The largest suppressed value (values 1 through this are suppressed); 0 for ``none``.
    ///
    /// It is also the protection a suppressed value gets: its feasible range, given everything released, is at
    /// least this wide.
    public var threshold: Int64 {
        switch self {
        case .cms: 10
        case .nhs: 7
        case .none: 0
        }
    }

    /// The base released values are rounded to (1: not rounded).
    public var roundingBase: Int64 { self == .nhs ? 5 : 1 }

    /// Whether `value` (a non-negative count) is suppressed on its own (primary suppression).
    public func suppresses(_ value: Int64) -> Bool { value >= 1 && value <= threshold }

    /// `value` as released when not suppressed: rounded to the nearest multiple of ``roundingBase`` (an integer
    /// count is never halfway between two multiples of 5).
    public func released(_ value: Int64) -> Int64 {
        let base = roundingBase
        guard base > 1 else { return value }
        return (value / base) * base + (value % base > base / 2 ? base : 0)
    }

    /// How far the true value can be from a released value: 0 when exact, 2 for rounding to the nearest 5. A
    /// released 0 is always exact (0 is never the rounding of a count that is shown).
    public var roundingSlack: Int64 { roundingBase / 2 }

    public var description: String { rawValue }
}

/// The release policy of a study, read from the `policy` map of its signed manifest.
///
/// Every key has a default, so that a manifest without policy entries (every manifest before the policy existed)
/// gets the defaults: at least 3 sites, the CMS small-cell rule, a minor-allele count of 5 per group. The keys,
/// their values and their sources are in docs/GOVERNANCE.md.
public struct ReleasePolicy: Sendable, Hashable {
    /// The manifest keys, in the bytewise order in which the manifest stores them.
    public enum Key: String, Sendable, CaseIterable {
        case dpBudget = "dp-budget"
        case gwasMinMAC = "gwas-min-mac"
        case minSites = "min-sites"
        case smallCells = "small-cells"
        case testStudy = "test-study"
    }

    /// Distinct verified sites a release needs (default 3; 2 only when set; 1 only in a test study).
    public var minSites: Int
    /// Whether the study is one of test data (default false): only then may ``minSites`` be 1.
    public var testStudy: Bool
    /// The small-cell rule for count tables (default ``SmallCellProfile/cms``).
    public var smallCells: SmallCellProfile
    /// The minor-allele count per phenotype group (cases, controls) below which a variant's per-group counts and
    /// frequencies are withheld (default 5; 0 withholds nothing).
    public var gwasMinMAC: Int64
    /// The study's privacy budget: the total zero-concentrated DP loss rho of all its releases (docs/PRIVACY.md).
    /// nil (`none`, the default): no budget, releases are exact and `--dp` is refused. Set: every release must be a
    /// differentially private one, and the log's releases may spend at most this much together.
    public var dpBudget: Rational?

    public static let defaultMinSites = 3
    public static let defaultSmallCells = SmallCellProfile.cms
    public static let defaultGwasMinMAC: Int64 = 5
    /// The largest `min-sites` and `gwas-min-mac` accepted (the largest manifest site count).
    public static let largestSetting = Int64(UInt32.max)

    /// The defaults.
    public static let standard = ReleasePolicy(validatedMinSites: defaultMinSites, testStudy: false,
                                               smallCells: defaultSmallCells, gwasMinMAC: defaultGwasMinMAC, dpBudget: nil)
    /// The largest `dp-budget` accepted: far beyond any meaningful privacy (rho 1000 is epsilon above 200).
    public static let largestBudget = Rational(1000)

    private init(validatedMinSites: Int, testStudy: Bool, smallCells: SmallCellProfile, gwasMinMAC: Int64,
                 dpBudget: Rational?) {
        self.minSites = validatedMinSites
        self.testStudy = testStudy
        self.smallCells = smallCells
        self.gwasMinMAC = gwasMinMAC
        self.dpBudget = dpBudget
    }

    /// A policy from typed settings, checked as the manifest's are (1 site only in a test study).
    public init(minSites: Int = defaultMinSites, testStudy: Bool = false, smallCells: SmallCellProfile = defaultSmallCells,
                gwasMinMAC: Int64 = defaultGwasMinMAC, dpBudget: Rational? = nil) throws(GovernanceError) {
        guard minSites >= 1, Int64(minSites) <= Self.largestSetting else {
            throw .policyValueInvalid(key: Key.minSites.rawValue, value: String(minSites),
                                      expected: Self.expected(.minSites))
        }
        guard minSites >= 2 || testStudy else { throw .policySingleSiteOutsideTestStudy }
        guard gwasMinMAC >= 0, gwasMinMAC <= Self.largestSetting else {
            throw .policyValueInvalid(key: Key.gwasMinMAC.rawValue, value: String(gwasMinMAC),
                                      expected: Self.expected(.gwasMinMAC))
        }
        if let dpBudget, dpBudget.signum <= 0 || Self.largestBudget < dpBudget {
            throw .policyValueInvalid(key: Key.dpBudget.rawValue, value: dpBudget.description,
                                      expected: Self.expected(.dpBudget))
        }
        self.init(validatedMinSites: minSites, testStudy: testStudy, smallCells: smallCells, gwasMinMAC: gwasMinMAC,
                  dpBudget: dpBudget)
    }

    /// Reads a `dp-budget` value: `none`, a decimal (`0.5`) or a fraction (`1/2`), positive and at most
    /// ``largestBudget``; nil when it is none of these.
    public static func parseBudget(_ text: String) -> Rational?? {
        if text == "none" { return .some(nil) }
        let value: Rational?
        if text.contains("/") {
            value = text.hasPrefix("-") || text.hasPrefix("+") ? nil : Rational(text)
        } else {
            value = Rational(decimal: text)
        }
        guard let value, value.signum > 0, !(largestBudget < value) else { return nil }
        return .some(value)
    }

    /// Reads the manifest's policy map: unknown keys and malformed values are refused, naming the key and what
    /// it expects; absent keys take their defaults.
    public init(manifestPolicy: [String: String]) throws(GovernanceError) {
        let known = Set(Key.allCases.map(\.rawValue))
        if let unknown = manifestPolicy.keys.filter({ !known.contains($0) })
            .min(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            throw .policyKeyUnknown(key: unknown, known: Key.allCases.map(\.rawValue))
        }
        func value(_ key: Key) -> String? { manifestPolicy[key.rawValue] }
        func invalid(_ key: Key, _ text: String) -> GovernanceError {
            .policyValueInvalid(key: key.rawValue, value: text, expected: Self.expected(key))
        }

        var testStudy = false
        if let text = value(.testStudy) {
            switch text {
            case "true": testStudy = true
            case "false": testStudy = false
            default: throw invalid(.testStudy, text)
            }
        }
        var minSites = Self.defaultMinSites
        if let text = value(.minSites) {
            guard let n = Self.wholeNumber(text), n >= 1 else { throw invalid(.minSites, text) }
            minSites = Int(n)
        }
        var smallCells = Self.defaultSmallCells
        if let text = value(.smallCells) {
            guard let profile = SmallCellProfile(rawValue: text) else { throw invalid(.smallCells, text) }
            smallCells = profile
        }
        var gwasMinMAC = Self.defaultGwasMinMAC
        if let text = value(.gwasMinMAC) {
            guard let n = Self.wholeNumber(text) else { throw invalid(.gwasMinMAC, text) }
            gwasMinMAC = n
        }
        var dpBudget: Rational? = nil
        if let text = value(.dpBudget) {
            guard let parsed = Self.parseBudget(text) else { throw invalid(.dpBudget, text) }
            dpBudget = parsed
        }
        try self.init(minSites: minSites, testStudy: testStudy, smallCells: smallCells, gwasMinMAC: gwasMinMAC,
                      dpBudget: dpBudget)
    }

    /// Reads the policy of `manifest`: its `policy` map, which must agree with the manifest's test-study flag when
    /// it has a `test-study` key (without one, the flag is the setting), and must not ask for more sites than the
    /// study may have.
    public init(manifest: StudyManifest) throws(GovernanceError) {
        var map = manifest.policy
        if let text = map[Key.testStudy.rawValue] {
            if text != String(manifest.testStudy), text == "true" || text == "false" {
                throw .policyTestStudyDisagrees(study: manifest.studyID, flag: manifest.testStudy, value: text)
            }
        } else {
            map[Key.testStudy.rawValue] = String(manifest.testStudy)
        }
        try self.init(manifestPolicy: map)
        guard minSites <= Int(manifest.maxSites) else {
            throw .policyMinSitesExceedsMaxSites(study: manifest.studyID, minSites: minSites, maxSites: manifest.maxSites)
        }
    }

    /// The canonical manifest entries of this policy. Every key is written, defaults included, so that a signed
    /// manifest states the whole policy in force and no later change of a default can alter it.
    public var manifestPolicy: [String: String] {
        [
            Key.minSites.rawValue: String(minSites),
            Key.testStudy.rawValue: String(testStudy),
            Key.smallCells.rawValue: smallCells.rawValue,
            Key.gwasMinMAC.rawValue: String(gwasMinMAC),
            Key.dpBudget.rawValue: dpBudget?.description ?? "none",
        ]
    }

    /// Refuses a release over fewer distinct verified sites than ``minSites``.
    public func checkSites(_ sites: Set<String>) throws(GovernanceError) {
        guard sites.count >= minSites else { throw .tooFewSites(count: sites.count, minSites: minSites) }
    }

    /// What a key's value must be, for messages.
    public static func expected(_ key: Key) -> String {
        switch key {
        case .minSites:
            "a whole number of sites from 2 to \(largestSetting) without leading zeros (1 only when test-study is true)"
        case .testStudy: "true or false"
        case .smallCells: SmallCellProfile.allCases.map(\.rawValue).joined(separator: ", ")
        case .gwasMinMAC: "a whole number from 0 to \(largestSetting) without leading zeros"
        case .dpBudget:
            "none, or the study's total zCDP rho as a positive decimal (0.5) or fraction (1/2), at most \(largestBudget)"
        }
    }

    /// A decimal whole number in canonical form (digits only, no leading zero, at most ``largestSetting``).
    private static func wholeNumber(_ text: String) -> Int64? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count == 1 || digits[0] != UInt8(ascii: "0"),
              let n = Int64(text), n <= largestSetting else { return nil }
        return n
    }
}
