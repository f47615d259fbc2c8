// The signed flow for both schemes, the GWAS pipeline and python-paillier sites through `import`.

import Foundation
import HEFiles
import HETestSupport
import Testing

/// A study of `sites` under `keys` in `dir` (coordinator and site keys in folders named after them); returns
/// the manifest's name. The release policy given by default lets the provenance flows through unchanged.
func makeStudy(_ dir: Scratch, _ env: [String: String?], keys: SharedKeys, sites: [String],
               maxValue: String = "100000",
               policy: [String] = ["--min-sites", "2", "--small-cells", "none", "--gwas-min-mac", "0"]) throws -> String {
    func run(_ args: String...) throws { try run(args) }
    func run(_ args: [String]) throws {
        let r = try dir.run(environment: env, args)
        try #require(r.status == 0, "\(args.joined(separator: " ")): \(r.stderr)")
    }
    for who in ["coord"] + sites { try run("site-key", "generate", "--out", who) }
    try run(["study", "init", "--study", "flow", "--public-key", keys.publicKey, "--signing-key", "coord/signing.key",
             "--max-value", maxValue, "--max-sites", "10", "--out", "m1.hem"] + policy)
    for (i, site) in sites.enumerated() {
        try run("study", "add-site", "--manifest", "m\(i + 1).hem", "--site", site, "--site-key", "\(site)/signing.pub",
                "--signing-key", "coord/signing.key", "--out", "m\(i + 2).hem")
    }
    return "m\(sites.count + 1).hem"
}

/// `gwas encrypt` of every cohort site as site0, site1, ... (their signing keys from ``makeStudy``), signed for
/// `manifest`: the site files s0.he, s1.he, ...
func encryptSignedSites(_ dir: Scratch, _ env: [String: String?], cohort: SimulatedCohort, keys: SharedKeys,
                        manifest m: String) throws -> [String] {
    var files: [String] = []
    for (i, site) in cohort.sites.enumerated() {
        let r = try dir.run(environment: env, "gwas", "encrypt", "--vcf", site.vcf, "--pheno", site.pheno, "--panel",
                            cohort.panel, "--site", "site\(i)", "--public-key", keys.publicKey, "--out", "s\(i).he",
                            "--manifest", m, "--signing-key", "site\(i)/signing.key")
        try #require(r.status == 0, "\(r.stderr)")
        files.append("s\(i).he")
    }
    return files
}

@Suite("Provenance: signed flows of both schemes, GWAS and python-paillier sites")
struct ProvenanceFlowTests {
    @Test("CSV tables: signed, aggregated, decrypted with the inputs recomputed from a folder", arguments: schemesUnderTest)
    func csvFlow(scheme: SchemeID) throws {
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        let keys = SharedKeys.for(scheme)
        let m = try makeStudy(dir, env, keys: keys, sites: ["north", "south"])
        dir.write("dx,cases\nasthma,5\ncopd,-2\n", to: "north.csv")
        dir.write("dx,cases\nasthma,7\ncopd,3\n", to: "south.csv")
        try FileManager.default.createDirectory(atPath: dir.file("sites"), withIntermediateDirectories: true)
        for site in ["north", "south"] {
            let r = try dir.run(environment: env, "encrypt", "--public-key", keys.publicKey, "--site", site, "--in",
                                "\(site).csv", "--value-type", "signed", "--max-value", "10", "--out", "sites/\(site).he",
                                "--manifest", m, "--signing-key", "\(site)/signing.key")
            try #require(r.status == 0, "\(r.stderr)")
        }
        #expect(try dir.run(environment: env, "aggregate", "--manifest", m, "--out", "total.he", "sites/south.he",
                            "sites/north.he").status == 0)
        let r = try dir.run(environment: env, "decrypt", "--secret-key", keys.secretKey, "--in", "total.he", "--out",
                            "t.csv", "--manifest", m, "--inputs", "sites")
        try #require(r.status == 0, "\(r.stderr)")
        let totals = parseTotals(try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8))
        #expect(totals.contributors == ["north", "south"] && totals.values == [[12], [1]])
        // The site's chunks swapped for the other site's: refused, naming the file and the site.
        var north = try Container(dir.file("sites/north.he"))
        north.chunks = try Container(dir.file("sites/south.he")).chunks
        try north.write(dir.file("sites/north.he"))
        try expectSignedRefusal(dir, env, ["decrypt", "--secret-key", keys.secretKey, "--in", "total.he", "--out", "t2.csv",
                                           "--manifest", m, "--inputs", "sites"],
                                message: ["sites/north.he: the content is not what site 'north' signed"])
        // A bound above the manifest's is refused before encrypting.
        try expectSignedRefusal(dir, env, ["encrypt", "--public-key", keys.publicKey, "--site", "north", "--in", "north.csv",
                                           "--value-type", "signed", "--max-value", "1000000", "--out", "n2.he",
                                           "--manifest", m, "--signing-key", "north/signing.key"],
                                message: ["site 'north': declared bound 1000000 exceeds the study's largest value 100000"])
    }

    @Test("GWAS: signed gwas encrypt, verified aggregate, gwas report with the inputs equal to the unsigned report",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (numpy) for the simulated cohort"))
    func gwasFlow() throws {
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        let keys = SharedKeys.for(.bfv)
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 200, variants: 40, sites: 4, seed: 7,
                                              splitSeed: 1)
        let m = try makeStudy(dir, env, keys: keys, sites: ["site0", "site1", "site2", "site3"])
        let files = try encryptSignedSites(dir, env, cohort: cohort, keys: keys, manifest: m)
        #expect(try dir.run(environment: env, ["aggregate", "--manifest", m, "--out", "pooled.he"] + files).status == 0)
        let signed = try dir.run(environment: env, ["gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he",
                                                    "--out", "signed", "--manifest", m, "--inputs"] + files)
        try #require(signed.status == 0, "\(signed.stderr)")
        let plain = try dir.run(environment: env, "gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he",
                                "--out", "plain")
        try #require(plain.status == 0)
        #expect(plain.stderr.contains("are not verified"))
        #expect(try String(contentsOfFile: dir.file("signed.assoc"), encoding: .utf8)
                == String(contentsOfFile: dir.file("plain.assoc"), encoding: .utf8))
        try expectSignedRefusal(dir, env, ["gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he",
                                           "--out", "x", "--manifest", m, "--inputs", "s0.he"],
                                message: ["pooled.he: holds sites [site0, site1, site2, site3], the signed site files given hold [site0]"])
    }

    @Test("a python-paillier site's table imported and signed",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (phe)"))
    func pheImport() throws {
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        let keys = SharedKeys.for(.paillier)
        let m = try makeStudy(dir, env, keys: keys, sites: ["python-lab", "native"])
        #expect(try dir.run("export", "--public-key", keys.publicKey, "--out", "pk.json", "--quiet").status == 0)
        dir.write("dx,cases\nasthma,4\ncopd,9\n", to: "py.csv")
        dir.write("dx,cases\nasthma,1\ncopd,2\n", to: "native.csv")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let py = try ChildProcess.run(try Oracles.requirePython(), [root + "/scripts/phe_encrypt_table.py", "--public-key",
                                      "pk.json", "--in", "py.csv", "--out", "py.json", "--max-value", "100"],
                                      currentDirectory: dir.path)
        try #require(py.status == 0, "\(py.stderr)")
        let imported = try dir.run(environment: env, "import", "--table", "py.json", "--key", keys.publicKey, "--site",
                                   "python-lab", "--out", "py.he", "--manifest", m, "--signing-key", "python-lab/signing.key")
        try #require(imported.status == 0, "\(imported.stderr)")
        try #require(try dir.run(environment: env, "encrypt", "--public-key", keys.publicKey, "--site", "native", "--in",
                                 "native.csv", "--max-value", "100", "--out", "native.he", "--manifest", m,
                                 "--signing-key", "native/signing.key").status == 0)
        #expect(try dir.run(environment: env, "aggregate", "--manifest", m, "--out", "t.he", "py.he", "native.he").status == 0)
        let r = try dir.run(environment: env, "decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "t.csv",
                            "--manifest", m, "--inputs", "py.he", "native.he")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(parseTotals(try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8)).values == [[5], [11]])
    }
}
