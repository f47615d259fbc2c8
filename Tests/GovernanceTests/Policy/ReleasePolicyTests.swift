// The release policy read from a manifest's policy map: defaults, every key, refused values, the site-count rule.

import HEFiles
import Testing
import Governance
import Privacy

@Suite("Release policy: the manifest's policy map")
struct ReleasePolicyTests {
    @Test("an empty map gives the defaults: 3 sites, cms, minor-allele count 5, not a test study")
    func defaults() throws {
        let policy = try ReleasePolicy(manifestPolicy: [:])
        #expect(policy == .standard)
        #expect(policy.minSites == 3 && policy.smallCells == .cms && policy.gwasMinMAC == 5 && !policy.testStudy)
        #expect(policy.dpBudget == nil)
        #expect(policy.manifestPolicy == ["min-sites": "3", "test-study": "false", "small-cells": "cms", "gwas-min-mac": "5",
                                          "dp-budget": "none"])
    }

    @Test("every key is read, and the canonical map reads back to the same policy")
    func everyKey() throws {
        let map = ["min-sites": "2", "test-study": "false", "small-cells": "nhs", "gwas-min-mac": "10", "dp-budget": "3/4"]
        let policy = try ReleasePolicy(manifestPolicy: map)
        #expect(policy.minSites == 2 && policy.smallCells == .nhs && policy.gwasMinMAC == 10 && !policy.testStudy)
        #expect(policy.dpBudget == Rational(3, 4))
        #expect(policy.manifestPolicy == map)
        #expect(try ReleasePolicy(manifestPolicy: policy.manifestPolicy) == policy)
        for profile in SmallCellProfile.allCases {
            #expect(try ReleasePolicy(manifestPolicy: ["small-cells": profile.rawValue]).smallCells == profile)
        }
        #expect(try ReleasePolicy(manifestPolicy: ["gwas-min-mac": "0"]).gwasMinMAC == 0)
        #expect(try ReleasePolicy(manifestPolicy: ["min-sites": "12"]).minSites == 12)
        let test = try ReleasePolicy(manifestPolicy: ["test-study": "true", "min-sites": "1"])
        #expect(test.testStudy && test.minSites == 1)
        #expect(test.manifestPolicy["test-study"] == "true")
    }

    @Test("dp-budget: none, an exact decimal or a fraction, stored in lowest terms; anything else refused by name")
    func dpBudget() throws {
        for (text, value) in [("0.5", Rational(1, 2)), ("1", Rational(1)), ("2/8", Rational(1, 4)), ("0.01", Rational(1, 100)),
                              ("1000", Rational(1000)), ("0.125", Rational(1, 8))] {
            let policy = try ReleasePolicy(manifestPolicy: ["dp-budget": text])
            #expect(policy.dpBudget == value, "\(text)")
            #expect(policy.manifestPolicy["dp-budget"] == value.description)
            #expect(try ReleasePolicy(manifestPolicy: policy.manifestPolicy) == policy)
        }
        #expect(try ReleasePolicy(manifestPolicy: ["dp-budget": "none"]).dpBudget == nil)
        for bad in ["0", "0.0", "-1", "+1", "-1/2", "1/0", "1e-3", ".5", "5.", "abc", "", "1000.001", "1001", "0x1", " 1", "1/-2"] {
            #expect(throws: GovernanceError.policyValueInvalid(key: "dp-budget", value: bad, expected: ReleasePolicy.expected(.dpBudget)),
                    "\(bad)") {
                try ReleasePolicy(manifestPolicy: ["dp-budget": bad])
            }
        }
    }

    @Test("min-sites 1 is refused outside a test study, and 0 always")
    func singleSite() throws {
        #expect(throws: GovernanceError.policySingleSiteOutsideTestStudy) {
            try ReleasePolicy(manifestPolicy: ["min-sites": "1"])
        }
        #expect(throws: GovernanceError.policySingleSiteOutsideTestStudy) {
            try ReleasePolicy(manifestPolicy: ["min-sites": "1", "test-study": "false"])
        }
        #expect(throws: GovernanceError.policySingleSiteOutsideTestStudy) { try ReleasePolicy(minSites: 1) }
        #expect(throws: GovernanceError.self) { try ReleasePolicy(manifestPolicy: ["min-sites": "0", "test-study": "true"]) }
        #expect(GovernanceError.policySingleSiteOutsideTestStudy.description.contains("test-study"))
    }

    @Test("malformed values are refused, naming the key and what it expects",
          arguments: [("min-sites", "three"), ("min-sites", "03"), ("min-sites", "+3"), ("min-sites", " 3"),
                      ("min-sites", ""), ("min-sites", "-2"), ("min-sites", "99999999999"), ("min-sites", "4294967296"),
                      ("test-study", "yes"), ("test-study", "True"), ("small-cells", "CMS"), ("small-cells", "ons"),
                      ("gwas-min-mac", "5.0"), ("gwas-min-mac", "-1"), ("gwas-min-mac", "00")])
    func badValue(key: String, value: String) throws {
        do {
            var map = ["test-study": "true"]
            map[key] = value
            _ = try ReleasePolicy(manifestPolicy: map)
            Issue.record("\(key)=\(value) accepted")
        } catch {
            guard case let .policyValueInvalid(k, v, expected) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(k == key && v == value)
            #expect(error.description.contains("'\(key)'") && error.description.contains(expected))
        }
    }

    @Test("an unknown key is refused, naming it and the known keys")
    func unknownKey() throws {
        #expect(throws: GovernanceError.policyKeyUnknown(key: "min_sites", known: ["dp-budget", "gwas-min-mac", "min-sites", "small-cells", "test-study"])) {
            try ReleasePolicy(manifestPolicy: ["min_sites": "3", "min-sites": "3"])
        }
        let message = GovernanceError.policyKeyUnknown(key: "x", known: ["a", "b"]).description
        #expect(message.contains("'x'") && message.contains("a, b"))
    }

    @Test("from a manifest: the test-study flag counts, must agree with the map, and min-sites fits max sites")
    func fromManifest() throws {
        let coordinator = SigningSecretKey()
        var manifest = StudyManifest(studyID: "s", coordinatorKey: coordinator.publicKey,
                                     encryptionKeyFingerprint: Fingerprint(sha256Of: [1]), maxValue: 10, maxSites: 4,
                                     testStudy: true)
        manifest.policy = ["min-sites": "1"]
        #expect(try ReleasePolicy(manifest: manifest).minSites == 1)
        manifest.policy = ["min-sites": "1", "test-study": "false"]
        #expect(throws: GovernanceError.policyTestStudyDisagrees(study: "s", flag: true, value: "false")) {
            try ReleasePolicy(manifest: manifest)
        }
        manifest.testStudy = false
        manifest.policy = ["min-sites": "1"]
        #expect(throws: GovernanceError.policySingleSiteOutsideTestStudy) { try ReleasePolicy(manifest: manifest) }
        manifest.policy = ["min-sites": "5"]
        #expect(throws: GovernanceError.policyMinSitesExceedsMaxSites(study: "s", minSites: 5, maxSites: 4)) {
            try ReleasePolicy(manifest: manifest)
        }
        manifest.policy = [:]
        #expect(try ReleasePolicy(manifest: manifest) == .standard)
        // The canonical map survives the manifest's signed encoding.
        manifest.policy = try ReleasePolicy(minSites: 4, smallCells: .nhs).manifestPolicy
        let signed = try manifest.signed(with: coordinator, path: "m.hem")
        let decoded = try SignedManifest(decoding: signed.bytes, path: "m.hem")
        #expect(try ReleasePolicy(manifest: decoded.manifest) == ReleasePolicy(minSites: 4, smallCells: .nhs))
    }

    @Test("a release needs min-sites distinct sites; the refusal names the count and the rule")
    func sites() throws {
        let policy = ReleasePolicy.standard
        try policy.checkSites(["a", "b", "c"])
        try policy.checkSites(["a", "b", "c", "d"])
        #expect(throws: GovernanceError.tooFewSites(count: 2, minSites: 3)) { try policy.checkSites(["a", "b"]) }
        #expect(throws: GovernanceError.tooFewSites(count: 1, minSites: 3)) { try policy.checkSites(["a"]) }
        #expect(throws: GovernanceError.tooFewSites(count: 0, minSites: 3)) { try policy.checkSites([]) }
        let two = try ReleasePolicy(manifestPolicy: ["min-sites": "2"])
        try two.checkSites(["a", "b"])
        let message = GovernanceError.tooFewSites(count: 2, minSites: 3).description
        #expect(message.contains("2 distinct verified sites") && message.contains("min-sites") && message.contains("3"))
    }
}

@Suite("Release policy: GWAS minor-allele count and differencing")
struct ReleaseRuleTests {
    @Test("a variant is withheld when either group's rarer allele has fewer than gwas-min-mac copies")
    func minorAlleleCount() throws {
        let policy = ReleasePolicy.standard
        let common = GroupAlleleCounts(homRef: 40, het: 20, homAlt: 5)
        #expect(common.reference == 100 && common.alternate == 30 && common.minorAlleleCount == 30)
        #expect(policy.gwasVariantRelease(cases: common, controls: common) == .released)
        // 4 alternate alleles in the controls: withheld.
        let rare = GroupAlleleCounts(homRef: 98, het: 2, homAlt: 1)
        #expect(rare.minorAlleleCount == 4)
        #expect(policy.gwasVariantRelease(cases: common, controls: rare) == .withheld(group: .controls, count: 4, minimum: 5))
        #expect(policy.gwasVariantRelease(cases: rare, controls: rare) == .withheld(group: .cases, count: 4, minimum: 5))
        // Exactly 5 is released; the rarer allele may be the reference one.
        #expect(policy.gwasVariantRelease(cases: GroupAlleleCounts(reference: 5, alternate: 95), controls: common) == .released)
        #expect(policy.gwasVariantRelease(cases: GroupAlleleCounts(reference: 4, alternate: 96), controls: common).isWithheld)
        // An empty group has no allele to release.
        #expect(policy.gwasVariantRelease(cases: common, controls: GroupAlleleCounts(homRef: 0, het: 0, homAlt: 0)).isWithheld)
        let none = try ReleasePolicy(gwasMinMAC: 0)
        #expect(none.gwasVariantRelease(cases: rare, controls: GroupAlleleCounts(reference: 0, alternate: 0)) == .released)
    }

    @Test("a release is refused when an earlier one of the same table differs by 1 to min-sites - 1 sites")
    func differencing() throws {
        let policy = ReleasePolicy.standard
        let table = TableIdentity(schemaDigest: Fingerprint(sha256Of: Array("schema".utf8)), statistic: "decrypt")
        let other = TableIdentity(schemaDigest: Fingerprint(sha256Of: Array("schema".utf8)), statistic: "chi2")
        let history = [PriorRelease(sequence: 4, table: table, sites: ["a", "b", "c"]),
                       PriorRelease(sequence: 9, table: other, sites: ["a", "b", "c", "d"])]
        // The same sites again (a repeat), and sites far enough away, are allowed.
        try policy.checkDifferencing(table: table, sites: ["a", "b", "c"], earlier: history)
        try policy.checkDifferencing(table: table, sites: ["a", "b", "c", "d", "e", "f"], earlier: history)
        try policy.checkDifferencing(table: table, sites: ["d", "e", "f"], earlier: history)
        // One site added: its counts would be the difference.
        #expect(throws: GovernanceError.differencingRelease(sequence: 4, differing: ["d"], minSites: 3)) {
            try policy.checkDifferencing(table: table, sites: ["a", "b", "c", "d"], earlier: history)
        }
        // One removed, one swapped.
        #expect(throws: GovernanceError.differencingRelease(sequence: 4, differing: ["c"], minSites: 3)) {
            try policy.checkDifferencing(table: table, sites: ["a", "b"], earlier: history)
        }
        #expect(throws: GovernanceError.differencingRelease(sequence: 4, differing: ["c", "d"], minSites: 3)) {
            try policy.checkDifferencing(table: table, sites: ["a", "b", "d"], earlier: history)
        }
        // Another statistic of the schema is another table; the earliest of several conflicts is named.
        try policy.checkDifferencing(table: other, sites: ["a", "b", "c", "d"], earlier: history)
        let more = history + [PriorRelease(sequence: 2, table: table, sites: ["a", "b", "c", "d", "e"])]
        #expect(throws: GovernanceError.differencingRelease(sequence: 2, differing: ["e"], minSites: 3)) {
            try policy.checkDifferencing(table: table, sites: ["a", "b", "c", "d"], earlier: more.reversed())
        }
        // With min-sites 5 a difference of 4 is refused too.
        let five = try ReleasePolicy(minSites: 5)
        #expect(throws: GovernanceError.self) {
            try five.checkDifferencing(table: table, sites: ["a", "b", "c", "d", "e", "f", "g"], earlier: history)
        }
        let message = GovernanceError.differencingRelease(sequence: 4, differing: ["c", "d"], minSites: 3).description
        #expect(message.contains("release 4") && message.contains("[c, d]") && message.contains("min-sites 3"))
        #expect(TableIdentity(components: ["x", "y"]) != TableIdentity(components: ["x y"]))
    }
}
