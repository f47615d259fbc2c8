// Multi-party BFV through `he-cli party ...` (docs/MULTIPARTY.md): the collective key every party recomputes,
// N-of-N and t-of-N decryption by shares, refusals of missing, duplicated and foreign shares, the share issued
// once, and the release policy each party enforces and logs.

import Foundation
import Testing

/// A multi-party study built through the CLI in a scratch folder: parties, coordinator, signed sites, an aggregate.
struct PartyStudy {
    let dir = Scratch()
    let env: [String: String?]
    let parties: [String]
    let sites: [String]
    var manifest = ""

    /// Parties `parties` (threshold `threshold`, nil: all) and sites each encrypting `table`.
    init(study: String = "mp", parties: [String], threshold: Int? = nil, sites: [String], minSites: Int = 2,
         gwasMinMAC: Int? = nil, table: String? = "group,yes,no\nx,5,7\ny,3,9\n") throws {
        self.parties = parties
        self.sites = sites
        env = ["HE_TOOLKIT_STATE": dir.file("state")]
        try ok("site-key", "generate", "--out", "coord")
        for p in parties {
            try ok("party", "init", "--out", p)
            try ok("site-key", "generate", "--out", "\(p)-log")
        }
        var initArgs = ["study", "init", "--study", study, "--signing-key", "coord/signing.key", "--max-value", "1000",
                        "--max-sites", "10", "--min-sites", String(minSites), "--small-cells", "none", "--out", "v1.hem"]
        for p in parties { initArgs += ["--party", "\(p)=\(p)/party.pub"] }
        if let threshold { initArgs += ["--threshold", String(threshold)] }
        if let gwasMinMAC { initArgs += ["--gwas-min-mac", String(gwasMinMAC)] }
        try ok(initArgs)
        for p in parties { try ok("party", "keygen", "--manifest", "v1.hem", "--party", p, "--folder", p, "--out", "exchange") }
        for p in parties {
            try ok("party", "combine-key", "--manifest", "v1.hem", "--shares", "exchange", "--party", p, "--folder", p,
                   "--out", "\(p)-public.hekey")
        }
        try ok("study", "set-key", "--manifest", "v1.hem", "--public-key", "\(parties[0])-public.hekey",
               "--signing-key", "coord/signing.key", "--out", "v2.hem")
        manifest = "v2.hem"
        for (i, s) in sites.enumerated() {
            try ok("site-key", "generate", "--out", "\(s)-key")
            let next = "v\(i + 3).hem"
            try ok("study", "add-site", "--manifest", manifest, "--site", s, "--site-key", "\(s)-key/signing.pub",
                   "--signing-key", "coord/signing.key", "--out", next)
            manifest = next
        }
        for folder in ["sites", "shares"] { try FileManager.default.createDirectory(atPath: dir.file(folder), withIntermediateDirectories: true) }
        guard let table else { return }
        dir.write(table, to: "table.csv")
        for s in sites {
            try ok("encrypt", "--public-key", "\(parties[0])-public.hekey", "--in", "table.csv", "--site", s, "--max-value", "1000",
                   "--manifest", manifest, "--signing-key", "\(s)-key/signing.key", "--out", "sites/\(s).he")
        }
        try ok(["aggregate", "--manifest", manifest, "--out", "total.he"] + sites.map { "sites/\($0).he" })
    }

    func ok(_ args: String...) throws { try ok(args) }

    func ok(_ args: [String]) throws {
        guard !args.isEmpty else { return }
        let r = try dir.run(environment: env, args)
        #expect(r.status == 0, "he-cli \(args.joined(separator: " ")): \(r.stderr)")
    }

    func share(_ party: String, active: [String]? = nil, total: String = "total.he", inputs: [String]? = nil,
               out: String? = nil) throws -> RunResult {
        var args = ["party", "decrypt-share", "--manifest", manifest, "--party", party, "--folder", party, "--in", total,
                    "--inputs"] + (inputs ?? ["sites"])
        if let active { args += ["--active", active.joined(separator: ",")] }
        args += ["--log", "\(party)/decryptions.helog", "--log-key", "\(party)-log/signing.key", "--out", out ?? "shares/\(party).hes"]
        return try dir.run(environment: env, args)
    }

    func combine(_ shares: [String], total: String = "total.he", inputs: [String]? = nil, out: String = "totals.csv") throws -> RunResult {
        try dir.run(environment: env, ["party", "combine", "--manifest", manifest, "--public-key", "\(parties[0])-public.hekey",
                                       "--in", total, "--inputs"] + (inputs ?? ["sites"]) + ["--shares"] + shares + ["--out", out])
    }

    func totals(_ name: String = "totals.csv") throws -> [[Int64]] {
        parseTotals(try String(contentsOfFile: dir.file(name), encoding: .utf8)).values
    }

    func logEntries(_ party: String) throws -> [String] {
        let r = try dir.run("audit", "show", "--log", "\(party)/decryptions.helog", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").map(String.init)
    }
}

@Suite("Multi-party BFV through the CLI")
struct MultipartyCLITests {
    @Test("3 parties, all needed: byte-identical collective key, exact totals, the second request's share has the same bytes")
    func allParties() throws {
        let s = try PartyStudy(parties: ["a", "b", "c"], sites: ["s1", "s2", "s3"])
        let keys = try ["a", "b", "c"].map { try Data(contentsOf: URL(fileURLWithPath: s.dir.file("\($0)-public.hekey"))) }
        #expect(keys[0] == keys[1] && keys[1] == keys[2])
        for p in s.parties { #expect(try s.share(p).status == 0) }
        let r = try s.combine(["shares"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try s.totals() == [[15, 21], [9, 27]])
        // Asked again, a party returns the share it issued (the same bytes), logged as a repeat.
        let first = try Data(contentsOf: URL(fileURLWithPath: s.dir.file("shares/b.hes")))
        let again = try s.share("b", out: "again-b.hes")
        #expect(again.status == 0 && again.stdout.contains("as issued before"), "\(again.stdout)\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.dir.file("again-b.hes"))) == first)
        #expect(try s.logEntries("b").last?.contains("\"repeatOf\":0") == true)
        // No party alone can decrypt: an N-of-N share set without one party is refused, naming it.
        try FileManager.default.removeItem(atPath: s.dir.file("shares/c.hes"))
        let missing = try s.combine(["shares"], out: "partial.csv")
        #expect(missing.status != 0 && missing.stderr.contains("the share of party 'c'") && missing.stderr.contains("missing"), "\(missing.stderr)")
        #expect(!s.dir.exists("partial.csv"))
    }

    @Test("duplicated, other-study and altered shares are refused by name")
    func foreignShares() throws {
        let s = try PartyStudy(parties: ["a", "b"], sites: ["s1", "s2"])
        for p in s.parties { #expect(try s.share(p).status == 0) }
        let dup = try s.combine(["shares/a.hes", "shares/a.hes", "shares/b.hes"], out: "x.csv")
        #expect(dup.status != 0 && dup.stderr.contains("party 'a' has two shares"), "\(dup.stderr)")
        let other = try PartyStudy(study: "other", parties: ["a", "b"], sites: ["s1", "s2"])
        for p in other.parties { #expect(try other.share(p).status == 0) }
        try FileManager.default.copyItem(atPath: other.dir.file("shares/a.hes"), toPath: s.dir.file("other-a.hes"))
        let foreign = try s.combine(["other-a.hes", "shares/b.hes"], out: "x.csv")
        #expect(foreign.status != 0 && foreign.stderr.contains("of study 'other', not 'mp'"), "\(foreign.stderr)")
        // One flipped byte in a share's payload: the party's signature no longer covers it.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: s.dir.file("shares/b.hes"))))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: s.dir.file("altered-b.hes")))
        let altered = try s.combine(["shares/a.hes", "altered-b.hes"], out: "x.csv")
        #expect(altered.status != 0, "\(altered.stderr)")
        #expect(!s.dir.exists("x.csv"))
    }

    @Test("2-of-3: every pair and all three decrypt exactly; one party is refused; a second active set is refused and logged")
    func threshold() throws {
        let s = try PartyStudy(parties: ["a", "b", "c"], threshold: 2, sites: ["s1", "s2"])
        for (i, set) in [["a", "b"], ["a", "c"], ["b", "c"], ["a", "b", "c"]].enumerated() {
            // Each active set decrypts its own aggregate of fresh encryptions: one party never shares a ciphertext
            // for two sets (summing the same files again gives the same ciphertexts, which the parties refuse).
            let total = "total-\(i).he"
            try FileManager.default.createDirectory(atPath: s.dir.file("sites-\(i)"), withIntermediateDirectories: true)
            for site in s.sites {
                try s.ok("encrypt", "--public-key", "a-public.hekey", "--in", "table.csv", "--site", site, "--max-value", "1000",
                         "--manifest", s.manifest, "--signing-key", "\(site)-key/signing.key", "--out", "sites-\(i)/\(site).he")
            }
            try s.ok(["aggregate", "--manifest", s.manifest, "--out", total] + s.sites.map { "sites-\(i)/\($0).he" })
            var files: [String] = []
            for p in set {
                let out = "shares-\(i)/\(p).hes"
                try FileManager.default.createDirectory(atPath: s.dir.file("shares-\(i)"), withIntermediateDirectories: true)
                let r = try s.share(p, active: set, total: total, inputs: ["sites-\(i)"], out: out)
                #expect(r.status == 0, "\(set): \(r.stderr)")
                files.append(out)
            }
            let r = try s.combine(files, total: total, inputs: ["sites-\(i)"], out: "totals-\(i).csv")
            #expect(r.status == 0, "\(set): \(r.stderr)")
            #expect(try s.totals("totals-\(i).csv") == [[10, 14], [6, 18]], "\(set)")
        }
        let alone = try s.share("a", active: ["a"], total: "total-0.he", inputs: ["sites-0"], out: "alone.hes")
        #expect(alone.status != 0 && alone.stderr.contains("fewer than the study's threshold 2"), "\(alone.stderr)")
        // a shared total-0.he for {a, b}: for {a, c} it refuses (fresh shares of one ciphertext leak the key share).
        let second = try s.share("a", active: ["a", "c"], total: "total-0.he", inputs: ["sites-0"], out: "second.hes")
        #expect(second.status != 0 && second.stderr.contains("already issued a share"), "\(second.stderr)")
        #expect(!s.dir.exists("second.hes") && !s.dir.exists("alone.hes"))
        #expect(try s.logEntries("a").last?.contains("\"outcome\":\"refused\"") == true)
    }

    @Test("a party refuses to share an aggregate the release policy refuses, and its log shows the refusal")
    func policyRefusal() throws {
        let s = try PartyStudy(parties: ["a", "b"], sites: ["s1", "s2"], minSites: 3)
        let r = try s.share("a")
        #expect(r.status != 0 && r.stderr.contains("min-sites") && r.stderr.contains("2 distinct verified sites"), "\(r.stderr)")
        #expect(!s.dir.exists("shares/a.hes"))
        let entries = try s.logEntries("a")
        #expect(entries.count == 1 && entries[0].contains("\"outcome\":\"refused\"") && entries[0].contains("party decrypt-share"))
    }

    @Test("re-encryption to an analyst's own key (PCKS): the analyst's decrypt gives the totals; the shares do not decrypt for the combiner")
    func reencryption() throws {
        let s = try PartyStudy(parties: ["a", "b"], sites: ["s1", "s2"])
        try s.ok("keygen", "--scheme", "bfv", "--out", "analyst")
        for p in s.parties {
            let r = try s.dir.run(environment: s.env, ["party", "decrypt-share", "--manifest", s.manifest, "--party", p, "--folder", p,
                                                       "--in", "total.he", "--inputs", "sites", "--to-analyst", "analyst/public.hekey",
                                                       "--log", "\(p)/decryptions.helog", "--log-key", "\(p)-log/signing.key",
                                                       "--out", "shares/\(p).hes"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let forCombiner = try s.combine(["shares"], out: "x.csv")
        #expect(forCombiner.status != 0 && forCombiner.stderr.contains("switches to the analyst key"), "\(forCombiner.stderr)")
        let r = try s.dir.run(environment: s.env, ["party", "combine", "--manifest", s.manifest, "--public-key", "a-public.hekey",
                                                   "--in", "total.he", "--inputs", "sites", "--shares", "shares",
                                                   "--to-analyst", "analyst/public.hekey", "--out", "for-analyst.he"])
        #expect(r.status == 0, "\(r.stderr)")
        try s.ok("decrypt", "--secret-key", "analyst/secret.hekey", "--in", "for-analyst.he", "--out", "totals.csv")
        #expect(try s.totals() == [[10, 14], [6, 18]])
        // The collective key is not an analyst's key.
        let own = try s.dir.run(environment: s.env, ["party", "decrypt-share", "--manifest", s.manifest, "--party", "a", "--folder", "a",
                                                     "--in", "total.he", "--inputs", "sites", "--to-analyst", "a-public.hekey",
                                                     "--log", "a/decryptions.helog", "--log-key", "a-log/signing.key", "--out", "y.hes"])
        #expect(own.status != 0 && own.stderr.contains("not an analyst's own key"), "\(own.stderr)")
    }

    @Test("GWAS: the parties' shares combine into the report a single key holder gets from the same counts (no MAC rule)",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (numpy) for the simulated cohort"))
    func gwasReport() throws {
        let s = try PartyStudy(parties: ["a", "b", "c"], sites: ["site0", "site1", "site2", "site3"],
                               gwasMinMAC: 0, table: nil)
        let cohort = try SimulatedCohort.make(in: s.dir.file("cohort"), samples: 200, variants: 30, sites: 4, seed: 11, splitSeed: 2)
        let single = SharedKeys.for(.bfv)
        for (i, site) in cohort.sites.enumerated() {
            try s.ok("gwas", "encrypt", "--vcf", site.vcf, "--pheno", site.pheno, "--panel", cohort.panel, "--site", "site\(i)",
                     "--public-key", "a-public.hekey", "--out", "sites/site\(i).he", "--manifest", s.manifest,
                     "--signing-key", "site\(i)-key/signing.key")
            try s.ok("gwas", "encrypt", "--vcf", site.vcf, "--pheno", site.pheno, "--panel", cohort.panel, "--site", "site\(i)",
                     "--public-key", single.publicKey, "--out", "single-\(i).he")
        }
        try s.ok(["aggregate", "--manifest", s.manifest, "--out", "total.he"] + s.sites.map { "sites/\($0).he" })
        try s.ok(["aggregate", "--out", "single.he"] + (0 ..< 4).map { "single-\($0).he" })
        for p in s.parties { #expect(try s.share(p).status == 0) }
        let r = try s.dir.run(environment: s.env, ["party", "combine", "--manifest", s.manifest, "--public-key", "a-public.hekey",
                                                   "--in", "total.he", "--inputs", "sites", "--shares", "shares", "--report", "pooled"])
        #expect(r.status == 0, "\(r.stderr)")
        try s.ok("gwas", "report", "--secret-key", single.secretKey, "--in", "single.he", "--out", "single")
        let pooled = try String(contentsOfFile: s.dir.file("pooled.assoc"), encoding: .utf8)
        let reference = try String(contentsOfFile: s.dir.file("single.assoc"), encoding: .utf8)
        #expect(pooled == reference, "\(pooled.prefix(400))\n---\n\(reference.prefix(400))")
    }
}
