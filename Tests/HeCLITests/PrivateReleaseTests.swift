// Differentially private releases through `he-cli decrypt --dp` and `he-cli gwas report --dp` (docs/PRIVACY.md):
// the study's budget, the ledger in the decryption log, refusals before decryption, repeats that reuse the logged
// noise, a release killed at any moment, and the (epsilon, delta) of `audit show` against OpenDP.

import Foundation
import Governance
import HEFiles
import HETestSupport
import Testing

@Suite("Differentially private releases and the privacy budget")
struct PrivateReleaseTests {
    let log = ["--log", "releases.helog", "--log-key", "logkey/signing.key", "--analyst", "alice"]
    let logFiles: Set<String> = ["releases.helog", "releases.helog.lock"]

    func decrypt(out: String = "totals.csv", dp: String? = nil, inputs: [String] = ["a.he", "b.he", "c.he"]) -> [String] {
        ["decrypt", "--secret-key", "secret.hekey", "--in", "total.he", "--out", out, "--manifest", "m5.hem", "--inputs"]
            + inputs + log + (dp.map { ["--dp", $0] } ?? [])
    }

    func study() throws -> (Scratch, [String: String?]) {
        let (dir, env) = try SignedStudy.privateStudy.copy()
        #expect(try dir.run(environment: env, "site-key", "generate", "--out", "logkey", "--quiet").status == 0)
        let r = try dir.run(environment: env, "aggregate", "--manifest", "m5.hem", "--out", "total.he", "a.he", "b.he", "c.he")
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, env)
    }

    func entries(_ dir: Scratch) throws -> [[String: Any]] {
        let r = try dir.run("audit", "show", "--log", "releases.helog", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        return try r.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func digest(_ dir: Scratch, _ name: String) throws -> String {
        Fingerprint(sha256Of: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file(name))))).hex
    }

    func outputDigest(_ entry: [String: Any]) -> String? {
        (entry["outputs"] as? [[String: Any]])?.first?["sha256"] as? String
    }

    @Test("decrypt --dp: exact releases refused, the noise's rho logged, a repeat identical and free, overspending refused before decryption and logged")
    func countTable() throws {
        let (dir, env) = try study()
        // In a study with a budget an exact release spends an unbounded rho: refused before decryption, logged.
        try expectSignedRefusal(dir, env, decrypt(), message: ["has a privacy budget (dp-budget 1)", "--dp RHO"], ignoring: logFiles)

        let first = try dir.run(environment: env, decrypt(dp: "0.25"))
        try #require(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("differentially private: discrete Gaussian noise, sigma^2 2, on 4 cell(s); rho 1/4 spent"),
                "\(first.stdout)")
        #expect(first.stdout.contains("one person, counted in at most one cell"))
        let released = parseTotals(try String(contentsOfFile: dir.file("totals.csv"), encoding: .utf8)).values
        #expect(released.count == 2 && released.allSatisfy { $0.count == 2 && $0.allSatisfy { $0 >= 0 } })
        var logged = try entries(dir)
        #expect(logged.count == 2 && logged[0]["outcome"] as? String == "refused")
        let privacy = try #require(logged[1]["privacy"] as? [String: Any])
        #expect(privacy["rho"] as? String == "1/4" && privacy["sigmaSquared"] as? String == "2"
                && privacy["l2SensitivitySquared"] as? String == "1" && privacy["cells"] as? Int == 4)
        #expect((logged[1]["options"] as? [String: String])?["dp-rho"] == "1/4")
        #expect(outputDigest(logged[1]) == (try digest(dir, "totals.csv")))
        let seed = try #require(privacy["sealedSeed"] as? String)
        #expect(seed.count == 120)

        // The same request again, to another file: the logged noise, byte-identical output, nothing spent.
        let again = try dir.run(environment: env, decrypt(out: "again.csv", dp: "0.25"))
        #expect(again.status == 0 && again.stdout.contains("a repeat of entry 1"), "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("(spent by the entry repeated, not again)"))
        #expect(try digest(dir, "again.csv") == (try digest(dir, "totals.csv")))

        // Another rho is a new release with a fresh seed.
        let second = try dir.run(environment: env, decrypt(out: "second.csv", dp: "1/2"))
        try #require(second.status == 0, "\(second.stderr)")
        logged = try entries(dir)
        #expect(logged.count == 4 && logged[3]["repeatOf"] == nil)
        #expect((logged[3]["privacy"] as? [String: Any])?["sealedSeed"] as? String != seed)

        // 1/4 + 1/2 spent: 0.3 asks for sigma^2 = ceil(1 / 0.6) = 2, which spends only 1/4 and fits; 0.6 (sigma^2
        // 1, rho 1/2) would exceed the budget of 1 (0.5 again would be a repeat of entry 3). Refused before anything is decrypted (the
        // refusal names no content digest: the file's content was never read), logged, nothing written.
        try expectSignedRefusal(dir, env, decrypt(out: "third.csv", dp: "0.6"),
                                message: ["a release of rho 1/2 would exceed the privacy budget (dp-budget 1, 3/4 already spent"], ignoring: logFiles)
        logged = try entries(dir)
        #expect(logged.count == 5 && logged[4]["outcome"] as? String == "refused")
        #expect(logged[4]["inputDigest"] as? String == String(repeating: "0", count: 64))
        // What is left can still be spent.
        let third = try dir.run(environment: env, decrypt(out: "third.csv", dp: "0.3"))
        #expect(third.status == 0 && third.stdout.contains("sigma^2 2, on 4 cell(s); rho 1/4 spent"), "\(third.stdout)\(third.stderr)")

        let shown = try dir.run("audit", "show", "--log", "releases.helog")
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("privacy budget of study asthma (zCDP rho): budget 1, spent 1 in 3 release(s) (entries 1, 3, 5), remaining 0; 1 differentially private request(s) refused"),
                "\(shown.stdout)")
        let verified = try dir.run("audit", "verify", "--log", "releases.helog", "--log-key", "logkey/signing.pub")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test("--dp is refused without a budget, without the manifest or the log, and its value is checked")
    func refusals() throws {
        let (dir, env) = try SignedStudy.shared.copy()   // dp-budget none
        #expect(try dir.run(environment: env, "site-key", "generate", "--out", "logkey", "--quiet").status == 0)
        #expect(try dir.run(environment: env, "aggregate", "--manifest", "m5.hem", "--out", "total.he", "a.he", "b.he").status == 0)
        try expectSignedRefusal(dir, env, decrypt(dp: "0.1", inputs: ["a.he", "b.he"]), message: ["dp-budget none"], ignoring: logFiles)
        let noLog = try dir.run(environment: env, "decrypt", "--secret-key", "secret.hekey", "--in", "total.he", "--out", "t.csv",
                                "--manifest", "m5.hem", "--inputs", "a.he", "b.he", "--dp", "0.1")
        #expect(noLog.status == 64 && noLog.stderr.contains("--dp needs --log and --log-key"), "\(noLog.stderr)")
        let noManifest = try dir.run(environment: env, "decrypt", "--secret-key", "secret.hekey", "--in", "total.he", "--out", "t.csv",
                                     "--dp", "0.1")
        #expect(noManifest.status == 64 && noManifest.stderr.contains("--dp needs --manifest"), "\(noManifest.stderr)")
        for bad in ["0", "-1", "abc", "1e-3", "2000"] {
            let r = try dir.run(environment: env, decrypt(dp: bad, inputs: ["a.he", "b.he"]))
            #expect(r.status == 64 && r.stderr.contains("--dp"), "\(bad): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("t.csv")))
        // The site-stratified and meta-analysis reports have no private form.
        for flag in ["--mh", "--meta"] {
            let r = try dir.run(environment: env, "gwas", "report", "--secret-key", "secret.hekey", "--in", "total.he", "--out", "g",
                                flag, "--manifest", "m5.hem", "--log", "releases.helog", "--log-key", "logkey/signing.key", "--dp", "0.1")
            #expect(r.status == 64 && r.stderr.contains("--dp and --extract apply to the report of the genotype-count aggregate, not to \(flag)"),
                    "\(flag): \(r.stderr)")
        }
    }

    @Test("a DP release killed (SIGKILL) at any moment: no entry and no output, or the entry, and every rerun gives the logged output without spending again")
    func killedRelease() throws {
        let (dir, env) = try study()
        let started = Date()
        let reference = try dir.run(environment: env, decrypt(out: "reference.csv", dp: "0.25").map { $0 == "releases.helog" ? "reference.helog" : $0 })
        try #require(reference.status == 0, "\(reference.stderr)")
        let duration = Date().timeIntervalSince(started)
        var outcomes: [String] = []
        var spentDigest: String? = nil
        var i = 0
        while i < 12 || (i < 40 && spentDigest == nil) {
            defer { i += 1 }
            let delay = i < 12 ? duration * 1.2 * Double(i) / 12 : duration * (1.2 + 0.25 * Double(i - 11))
            let out = "k\(i).csv"
            let before = FileManager.default.fileExists(atPath: dir.file("releases.helog")) ? try entries(dir).count : 0
            try dir.runKilled(environment: env, decrypt(out: out, dp: "0.25"), after: delay)
            let logged = FileManager.default.fileExists(atPath: dir.file("releases.helog")) ? try entries(dir) : []
            let written = FileManager.default.fileExists(atPath: dir.file(out))
            if logged.count == before {
                #expect(!written, "kill \(i): \(out) written without a log entry")
                outcomes.append("none")
                continue
            }
            #expect(logged.count == before + 1, "kill \(i)")
            let entryDigest = outputDigest(logged.last!)
            // The first entry spends; every later one repeats it with the same noise.
            if spentDigest == nil { spentDigest = entryDigest } else {
                #expect(logged.last!["repeatOf"] != nil && entryDigest == spentDigest, "kill \(i): not a repeat of the spent release")
            }
            if !written {
                let again = try dir.run(environment: env, decrypt(out: out, dp: "0.25"))
                #expect(again.status == 0 && again.stdout.contains("a repeat of entry"), "kill \(i): \(again.stdout)\(again.stderr)")
            }
            #expect(try digest(dir, out) == entryDigest, "kill \(i): the output is not the logged one")
            outcomes.append(written ? "entry and output" : "entry, then output on rerun")
        }
        #expect(spentDigest != nil, "no kill landed after the log entry: \(outcomes)")
        // However the runs ended, the study spent rho 1/4 once.
        let shown = try dir.run("audit", "show", "--log", "releases.helog")
        #expect(shown.stdout.contains("budget 1, spent 1/4 in 1 release(s)"), "\(shown.stdout)")
        let verified = try dir.run("audit", "verify", "--log", "releases.helog", "--log-key", "logkey/signing.pub")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test("audit show's (epsilon, delta) equivalent of the spent rho and of the budget equals OpenDP's",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON with opendp"))
    func epsilonAgainstOpenDP() throws {
        let (dir, env) = try study()
        #expect(try dir.run(environment: env, decrypt(dp: "1/8")).status == 0)      // sigma^2 4: rho 1/8
        let shown = try dir.run("audit", "show", "--log", "releases.helog", "--delta", "1e-7")
        let line = try #require(shown.stdout.split(separator: "\n").first { $0.contains("as (epsilon, delta) with delta 1e-07") })
        func value(after label: String) throws -> Double {
            let rest = try #require(line.range(of: label)).upperBound
            return try #require(Double(line[rest...].prefix { $0 != "," && $0 != " " }))
        }
        let spent = try value(after: "spent epsilon ")
        let budget = try value(after: "budget epsilon ")
        // OpenDP: the discrete Gaussian on integer vectors with L2 sensitivity 1 and scale sigma records
        // rho = 1 / (2 sigma^2); its zCDP-to-approximate-DP profile gives epsilon(delta).
        let code = """
        import json, math, opendp.prelude as dp
        dp.enable_features("contrib")
        space = dp.vector_domain(dp.atom_domain(T=int))
        out = []
        for rho in (1/8, 1.0):
            m = dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=math.sqrt(1 / (2 * rho)))
            out.append(dp.c.make_zCDP_to_approxDP(m).map(1).epsilon(1e-7))
        # the rho OpenDP's measurement map records for the logged sigma^2 4 (scale 2) and sensitivity 1
        out.append(dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=2.0).map(1))
        print(json.dumps(out))
        """
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(try Oracles.python(["-c", code]).utf8)) as? [Double])
        let privacy = try #require(try entries(dir).last?["privacy"] as? [String: Any])
        #expect(privacy["sigmaSquared"] as? String == "4" && privacy["rho"] as? String == "1/8")
        #expect(answer[2] == 0.125, "OpenDP's rho \(answer[2]) for the logged release, which records 1/8")
        #expect(abs(spent - answer[0]) <= 1e-5 * answer[0], "spent \(spent), OpenDP \(answer[0])")
        #expect(abs(budget - answer[1]) <= 1e-5 * answer[1], "budget \(budget), OpenDP \(answer[1])")
    }

    @Test("gwas report --dp --extract: noise on the 12 cells of each selected variant, sensitivity from their number, statistics from the noisy table",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (numpy) for the simulated cohort"))
    func gwas() throws {
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        let keys = SharedKeys.for(.bfv)
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 200, variants: 30, sites: 4, seed: 11, splitSeed: 2)
        let m = try makeStudy(dir, env, keys: keys, sites: ["site0", "site1", "site2", "site3"],
                              policy: ["--gwas-min-mac", "0", "--dp-budget", "1"])
        let files = try encryptSignedSites(dir, env, cohort: cohort, keys: keys, manifest: m)
        #expect(try dir.run(environment: env, "site-key", "generate", "--out", "logkey", "--quiet").status == 0)
        #expect(try dir.run(environment: env, ["aggregate", "--manifest", m, "--out", "pooled.he"] + files).status == 0)
        let ids = try Oracles.readTSV(cohort.panel).compactMap { $0["ID"] }
        try #require(ids.count == 30)
        let chosen = Array(ids.prefix(10))
        try (chosen.joined(separator: "\n") + "\n").write(toFile: dir.file("chosen.txt"), atomically: true, encoding: .utf8)
        try ([chosen[0], "", chosen[1], "rsNOPE"].joined(separator: "\n") + "\n").write(toFile: dir.file("bad.txt"), atomically: true, encoding: .utf8)
        let report = ["gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he", "--assoc", "--freq",
                      "--manifest", m, "--inputs"] + files + log

        try expectSignedRefusal(dir, env, report + ["--out", "exact"], message: ["has a privacy budget"], ignoring: logFiles)
        try expectSignedRefusal(dir, env, report + ["--out", "bad", "--extract", "bad.txt", "--dp", "0.5"],
                                message: ["bad.txt:4: field variant ID: expected an ID of the aggregate's variant panel, found 'rsNOPE'"],
                                ignoring: logFiles)
        let r = try dir.run(environment: env, report + ["--out", "noisy", "--extract", "chosen.txt", "--dp", "0.5"])
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("sigma^2 10, on 120 genotype cell(s); rho 1/2 spent"), "\(r.stderr)")
        #expect(r.stderr.contains("each of the 10 released variants (L2 sensitivity squared 10)"))
        let assoc = try String(contentsOfFile: dir.file("noisy.assoc"), encoding: .utf8).split(separator: "\n")
        #expect(assoc.count == 11 && Set(assoc.dropFirst().map { String($0.split(separator: " ")[1]) }) == Set(chosen))
        let logged = try entries(dir)
        let privacy = try #require(logged.last?["privacy"] as? [String: Any])
        #expect(privacy["cells"] as? Int == 120 && privacy["l2SensitivitySquared"] as? String == "10"
                && privacy["sigmaSquared"] as? String == "10" && privacy["rho"] as? String == "1/2")
        #expect((logged.last?["options"] as? [String: String])?["extract"] != nil)

        // The exact counts of the same variants (an unverified decryption outside the study's policy, as only a
        // test may do) differ from the noisy ones: 120 cells with sigma^2 10 all drawing 0 has probability < 1e-100.
        let exact = try dir.run(environment: env, "gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he",
                                "--out", "exact", "--freq", "--extract", "chosen.txt", "--quiet")
        try #require(exact.status == 0, "\(exact.stderr)")
        #expect(try String(contentsOfFile: dir.file("exact.frq"), encoding: .utf8)
                != (try String(contentsOfFile: dir.file("noisy.frq"), encoding: .utf8)))
        // A second report of all 30 variants costs rho 1/2 again: the budget of 1 is then spent.
        let all = try dir.run(environment: env, report + ["--out", "all", "--dp", "0.5"])
        #expect(all.status == 0 && all.stderr.contains("sigma^2 30, on 360 genotype cell(s)"), "\(all.stderr)")
        try expectSignedRefusal(dir, env, report + ["--out", "more", "--dp", "0.01"], message: ["would exceed the privacy budget"],
                                ignoring: logFiles)
    }
}
