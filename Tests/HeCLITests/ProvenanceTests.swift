// The attacks of the provenance review, one test each: every forged file is refused with a message naming the
// site and the file, exit 65, nothing written. Plus the signed flow itself and the attack a signature cannot
// stop (a roster site colluding with the aggregator, docs/SECURITY.md).

import Foundation
import EncryptedStats
import Governance
import HEFiles
import Paillier
import RLWE
import Testing

@Suite("Provenance: signed studies and the attacks they stop")
struct ProvenanceTests {
    let decrypt = ["decrypt", "--secret-key", "secret.hekey", "--out", "totals.csv", "--manifest", "m5.hem"]
    let aggregate = ["aggregate", "--manifest", "m5.hem", "--out", "total.he"]

    @Test("the signed flow: aggregate, decrypt with the inputs recomputed, study verify")
    func signedFlow() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        #expect(try dir.run(environment: env, aggregate + ["c.he", "a.he", "b.he"]).status == 0)
        let total = try Container(dir.file("total.he"))
        #expect(total.header.contributors == ["site-a", "site-b", "site-c"])  // canonical order
        #expect(total.header.statements.count == 3)
        let r = try dir.run(environment: env, decrypt + ["--in", "total.he", "--inputs", "a.he", "b.he", "c.he"])
        #expect(r.status == 0, "\(r.stderr)")
        let totals = parseTotals(try String(contentsOfFile: dir.file("totals.csv"), encoding: .utf8))
        #expect(totals.values == [[22, 49], [15, 25]])
        let verified = try dir.run(environment: env, "study", "verify", "--manifest", "m5.hem", "a.he", "b.he", "c.he", "total.he")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        // The whole folder: the file of the other study is named, the others verify.
        let folder = try dir.run(environment: env, "study", "verify", "--manifest", "m5.hem", dir.path)
        #expect(folder.status == 65)
        #expect(folder.stdout.contains("PROBLEM \(dir.path)/a-other-study.he: the statement of site 'site-a' is for study 'other'"))
        #expect(folder.stdout.contains("ok \(dir.path)/total.he: sites site-a, site-b, site-c"))
        // Its manifests are checked as the chain ending at m5.hem: versions 3 and 4 are not in the folder.
        #expect(folder.stdout.contains("ok \(dir.path)/m5.hem: version 5, in the chain of version 5"))
        #expect(folder.stdout.contains("PROBLEM \(dir.path)/m2.hem: version 2 of study 'asthma' is not in the manifest chain: version 4 is not among the files given"))
        #expect(folder.stdout.contains("PROBLEM \(dir.path)/other-study.hem: version 2 of study 'other' is not in the manifest chain: the manifest verified against is of study 'asthma'"))
        let shown = try dir.run(environment: env, "inspect", "--manifest", "m5.hem", "total.he")
        #expect(shown.status == 0 && shown.stdout.contains("statement 3") && shown.stdout.contains("site site-c, study asthma"))
        #expect(shown.stdout.contains("verifies against m5.hem (version 5)"))
        let other = try dir.run(environment: env, "inspect", "--manifest", "m5.hem", "a-other-study.he")
        #expect(other.status == 0 && other.stdout.contains("REFUSED: a-other-study.he: the statement of site 'site-a' is for study 'other'"))
        // Unsigned decryption still works, with the warning naming what is not protected.
        let plain = try dir.run(environment: env, "decrypt", "--secret-key", "secret.hekey", "--in", "total.he", "--out", "t2.csv")
        #expect(plain.status == 0 && plain.stderr.contains("the contributor list and the content of the file are not verified"))
    }

    @Test("a site file relabelled as an aggregate of three sites")
    func siteFileAsAggregate() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var c = try Container(dir.file("a.he"))
        c.header.kind = .aggregate
        c.header.contributors = ["site-a", "site-b", "site-c"]
        c.header.valueBound *= 3
        try c.write(dir.file("forged.he"))
        try expectSignedRefusal(dir, env, decrypt + ["--in", "forged.he", "--inputs", "a.he"], message: [
            "forged.he: contributors [site-a, site-b, site-c] are not the signed sites [site-a]"])
    }

    @Test("a copy of site A relabelled site-q beside A")
    func copyRelabelled() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var c = try Container(dir.file("a.he"))
        c.header.contributors = ["site-q"]
        try c.write(dir.file("q.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "q.he"], message: [
            "q.he: contributors [site-q] are not the signed sites [site-a]"])
    }

    @Test("A's ciphertext under B's header and statement, beside A and C")
    func ciphertextRelabelled() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var b = try Container(dir.file("b.he"))
        b.chunks = try Container(dir.file("a.he")).chunks
        try b.write(dir.file("b.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he", "c.he"], message: [
            "b.he: the content is not what site 'site-b' signed"])
    }

    /// Enc(-(B+C)) from B's and C's public files, re-randomised.
    func cancellation(_ dir: Scratch) throws -> Container {
        var x = try Container(dir.file("a.he"))
        let (b, c) = (try Container(dir.file("b.he")), try Container(dir.file("c.he")))
        let (n, n2) = x.modulus
        let r = BigInt(bigEndianBytes: (0 ..< 64).map { _ in UInt8.random(in: 1 ... 255) }).powMod(n, n2)
        x.setCiphertexts(zip(b.ciphertexts, c.ciphertexts).map { (cb, cc) in
            ((cb * cc).modulo(n2).inverse(modulo: n2)! * r).modulo(n2)
        })
        return x
    }

    @Test("cancellation: Enc(-(B+C)) submitted as site-x, unsigned or signed by a key not on the roster")
    func cancellationOffRoster() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var x = try cancellation(dir)
        x.header.contributors = ["site-x"]
        x.header.statements = []
        try x.write(dir.file("x.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he", "c.he", "x.he"], message: [
            "x.he (site 'site-x'): carries no signed statement"])
        let m = try SignedManifest.read(dir.file("m5.hem"))
        x.header.statements = [try statement(site: "site-x", for: x, manifest: m, key: SigningSecretKey())]
        try x.write(dir.file("x.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he", "c.he", "x.he"], message: [
            "x.he: site 'site-x' is not on the study's roster"])
    }

    func statement(site: String, for c: Container, manifest m: SignedManifest, key: SigningSecretKey) throws -> [UInt8] {
        try SiteStatement(studyID: m.manifest.studyID, manifestDigest: m.digest, siteID: site,
                          contentDigest: ContentDigest.compute(header: c.header, chunks: c.chunks),
                          createdMilliseconds: 0, key: key).encoded
    }

    @Test("collusion a signature cannot stop: roster site-d submits Enc(-(B+C)) signed with its own key")
    func rosterCollusionAccepted() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var x = try cancellation(dir)
        x.header.contributors = ["site-d"]
        x.header.statements = []
        let m = try SignedManifest.read(dir.file("m5.hem"))
        x.header.statements = [try statement(site: "site-d", for: x, manifest: m,
                                             key: SigningKeyFiles.readSecret(dir.file("site-d/signing.key")))]
        try x.write(dir.file("d.he"))
        #expect(try dir.run(environment: env, aggregate + ["a.he", "b.he", "c.he", "d.he"]).status == 0)
        let r = try dir.run(environment: env, decrypt + ["--in", "total.he", "--inputs", "a.he", "b.he", "c.he", "d.he"])
        #expect(r.status == 0, "\(r.stderr)")
        // The "4-site" aggregate is exactly A's table: documented in docs/SECURITY.md (range proofs would stop it).
        #expect(parseTotals(try String(contentsOfFile: dir.file("totals.csv"), encoding: .utf8)).values == [[12, 30], [4, 19]])
    }

    @Test("BFV cancellation: Enc(-(B+C)) refused as site-x off the roster; signed by roster site-d it decrypts to A")
    func bfvCancellation() throws {
        let (dir, env) = try SignedStudy.bfv.copy()
        // From the public key and B's and C's public files: -(B + C) plus a fresh encryption of zero.
        let keys = try KeyFiles.readPublic(dir.file("public.hekey"))
        let parameters = try BfvParameters.decoding(parametersField: keys.parameters)
        let encryptor = Encryptor(publicKey: try PublicKey(serialized: keys.publicKey, parameters: parameters))
        let evaluator = Evaluator(parameters: parameters)
        let zero = try BatchEncoder(parameters: parameters).encode([Int64](repeating: 0, count: parameters.slotCount))
        var x = try Container(dir.file("a.he"))
        let (b, c) = (try Container(dir.file("b.he")), try Container(dir.file("c.he")))
        x.chunks = try zip(b.chunks, c.chunks).map { (cb, cc) in
            let sum = try evaluator.add(try Ciphertext(serialized: cb, parameters: parameters),
                                        try Ciphertext(serialized: cc, parameters: parameters))
            let noise = try evaluator.modSwitchToSmallest(try encryptor.encrypt(zero))
            return try evaluator.add(try evaluator.negate(sum), noise).serialized()
        }
        #expect(x.chunks != b.chunks && x.chunks.count == b.chunks.count)
        x.header.contributors = ["site-x"]
        x.header.statements = []
        try x.write(dir.file("x.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he", "c.he", "x.he"], message: [
            "x.he (site 'site-x'): carries no signed statement"])
        let m = try SignedManifest.read(dir.file("m5.hem"))
        x.header.statements = [try statement(site: "site-x", for: x, manifest: m, key: SigningSecretKey())]
        try x.write(dir.file("x.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he", "c.he", "x.he"], message: [
            "x.he: site 'site-x' is not on the study's roster"])
        // Signed by a roster site colluding with the aggregator: accepted (docs/SECURITY.md).
        x.header.contributors = ["site-d"]
        x.header.statements = [try statement(site: "site-d", for: x, manifest: m,
                                             key: SigningKeyFiles.readSecret(dir.file("site-d/signing.key")))]
        try x.write(dir.file("d.he"))
        #expect(try dir.run(environment: env, aggregate + ["a.he", "b.he", "c.he", "d.he"]).status == 0)
        let r = try dir.run(environment: env, decrypt + ["--in", "total.he", "--inputs", "a.he", "b.he", "c.he", "d.he"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(parseTotals(try String(contentsOfFile: dir.file("totals.csv"), encoding: .utf8)).values == [[12, 30], [4, 19]])
    }

    @Test("an aggregate of A and B times B's inverse, labels kept: caught by --inputs, refused without them")
    func inverseKeepingLabels() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        #expect(try dir.run(environment: env, aggregate + ["a.he", "b.he"]).status == 0)
        var t = try Container(dir.file("total.he"))
        let (_, n2) = t.modulus
        let b = try Container(dir.file("b.he"))
        t.setCiphertexts(zip(t.ciphertexts, b.ciphertexts).map { ($0 * $1.inverse(modulo: n2)!).modulo(n2) })
        try t.write(dir.file("total.he"))
        try expectSignedRefusal(dir, env, decrypt + ["--in", "total.he", "--inputs", "a.he", "b.he"], message: [
            "total.he: ciphertext 1 is not the sum of the signed files of sites [site-a, site-b]"])
        try expectSignedRefusal(dir, env, decrypt + ["--in", "total.he"], message: [
            "total.he: m5.hem requires the signed site files to decrypt; none were given"])
    }

    @Test("a ciphertext multiplied by (1+n)^1000, digests recomputed")
    func shiftedCells() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var a = try Container(dir.file("a.he"))
        let (n, n2) = a.modulus
        var cs = a.ciphertexts
        cs[0] = (cs[0] * (BigInt(1) + n * 1000).modulo(n2)).modulo(n2)
        a.setCiphertexts(cs)
        try a.write(dir.file("a.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he"], message: [
            "a.he: the content is not what site 'site-a' signed"])
        // Decrypting the site file itself is refused before anything is decrypted.
        try expectSignedRefusal(dir, env, decrypt + ["--in", "a.he"], message: [
            "a.he: the content is not what site 'site-a' signed"])
    }

    @Test("a dropped site: the aggregate lacks site-c, the signed files given hold it")
    func droppedSite() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        #expect(try dir.run(environment: env, aggregate + ["a.he", "b.he"]).status == 0)
        try expectSignedRefusal(dir, env, decrypt + ["--in", "total.he", "--inputs", "a.he", "b.he", "c.he"], message: [
            "total.he: holds sites [site-a, site-b], the signed site files given hold [site-a, site-b, site-c]"])
    }

    @Test("replay: a file of another study, and a file of an earlier manifest version")
    func replay() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        try FileManager.default.removeItem(atPath: dir.file("a.he"))
        try FileManager.default.copyItem(atPath: dir.file("a-other-study.he"), toPath: dir.file("a.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he"], message: [
            "a.he: the statement of site 'site-a' is for study 'other', not 'asthma'"])
        // The coordinator adds a site: files signed under version 5 belong to an earlier round of version 6.
        #expect(try dir.run(environment: env, "study", "add-site", "--manifest", "m5.hem", "--site", "site-e",
                            "--site-key", "coord/signing.pub", "--signing-key", "coord/signing.key", "--out", "m6.hem").status == 0)
        try expectSignedRefusal(dir, env, ["aggregate", "--manifest", "m6.hem", "--out", "total.he", "b.he", "c.he"], message: [
            "b.he: the statement of site 'site-b' names another manifest than this version 6"])
    }

    @Test("a ciphertext under another key placed in this key's header")
    func foreignKeyCiphertext() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        let other = SharedKeys.otherPaillier
        #expect(try dir.run(environment: env, "encrypt", "--public-key", other.publicKey, "--site", "site-a", "--in",
                            SignedStudy.shared.directory + "/site-a.csv", "--out", "foreign.he").status == 0)
        var a = try Container(dir.file("a.he"))
        a.chunks = try Container(dir.file("foreign.he")).chunks
        try a.write(dir.file("a.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he"], message: [
            "a.he: the content is not what site 'site-a' signed"])
        // An honest site given the wrong key is refused before it encrypts.
        try expectSignedRefusal(dir, env, ["encrypt", "--public-key", other.publicKey, "--site", "site-a", "--in",
                                           SignedStudy.shared.directory + "/site-a.csv", "--out", "a2.he",
                                           "--manifest", "m5.hem", "--signing-key", "site-a/signing.key"], message: [
            "(site 'site-a'): not under the encryption key whose fingerprint m5.hem pins"])
    }

    @Test("a rewritten manifest: bytes changed, or re-signed by another coordinator key")
    func rewrittenManifest() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file("m5.hem"))))
        let m = try SignedManifest.read(dir.file("m5.hem"))
        let offset = 4 + 4 + 4 + 32 + 4 + m.manifest.studyID.utf8.count + 32 + 32  // max value
        bytes[offset + 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("forged.hem")))
        try expectSignedRefusal(dir, env, ["aggregate", "--manifest", "forged.hem", "--out", "t.he", "a.he"], message: [
            "forged.hem: the coordinator signature of the manifest of study 'asthma' does not verify"])
        let attacker = SigningSecretKey()
        var forged = m.manifest
        forged.coordinatorKey = attacker.publicKey
        forged.version += 1
        try forged.signed(with: attacker, path: "forged.hem").write(to: dir.file("forged.hem"))
        try expectSignedRefusal(dir, env, ["aggregate", "--manifest", "forged.hem", "--out", "t.he", "a.he"], message: [
            "forged.hem: study 'asthma' is signed by coordinator key \(attacker.publicKey.fingerprint.hex)"])
        // With the fingerprint announced out of band, even a first sight is checked.
        let fresh: [String: String?] = ["HE_TOOLKIT_STATE": dir.path + "-fresh-state"]
        try expectSignedRefusal(dir, fresh, ["aggregate", "--manifest", "forged.hem", "--coordinator",
                                             m.manifest.coordinatorKey.fingerprint.hex, "--out", "t.he", "a.he"],
                                message: ["forged.hem: study 'asthma' is signed by coordinator key"])
    }

    @Test("a manifest rolled back to an earlier version")
    func rolledBack() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        try expectSignedRefusal(dir, env, ["aggregate", "--manifest", "m2.hem", "--out", "t.he", "a.he"], message: [
            "m2.hem: manifest version 2 of study 'asthma' is older than version 5 already seen (rolled back)"])
    }

    @Test("site A's signature on site B's file")
    func signatureOnOtherFile() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var b = try Container(dir.file("b.he"))
        b.header.statements = try Container(dir.file("a.he")).header.statements
        try b.write(dir.file("b.he"))
        try expectSignedRefusal(dir, env, aggregate + ["b.he", "c.he"], message: [
            "b.he: contributors [site-b] are not the signed sites [site-a]"])
    }

    @Test("a statement moved to another file relabelled as its site")
    func statementMoved() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var c = try Container(dir.file("c.he"))
        c.header.contributors = ["site-a"]
        c.header.statements = try Container(dir.file("a.he")).header.statements
        try c.write(dir.file("c.he"))
        try expectSignedRefusal(dir, env, aggregate + ["b.he", "c.he"], message: [
            "c.he: the content is not what site 'site-a' signed"])
    }

    @Test("a truncated signature")
    func truncatedSignature() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        var a = try Container(dir.file("a.he"))
        a.header.statements[0].removeLast(5)
        try a.write(dir.file("a.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "b.he"], message: [
            "a.he: statement 1 is damaged: the signature has 59 bytes, not 64 (contributor 'site-a')"])
        let verify = try dir.run(environment: env, "study", "verify", "--manifest", "m5.hem", "a.he", "b.he")
        #expect(verify.status == 65 && verify.stdout.contains("PROBLEM a.he: statement 1 is damaged")
                && verify.stdout.contains("ok b.he: sites site-b"))
    }

    @Test("the same site twice, and a site file signed with a key not on the roster for its site")
    func duplicateAndWrongSigningKey() throws {
        let (dir, env) = try SignedStudy.shared.copy()
        try FileManager.default.copyItem(atPath: dir.file("a.he"), toPath: dir.file("a2.he"))
        try expectSignedRefusal(dir, env, aggregate + ["a.he", "a2.he"], message: ["site 'site-a'", "a.he", "a2.he"])
        try expectSignedRefusal(dir, env, ["encrypt", "--public-key", "public.hekey", "--site", "site-b", "--in",
                                           SignedStudy.shared.directory + "/site-b.csv", "--out", "b2.he",
                                           "--manifest", "m5.hem", "--signing-key", "site-a/signing.key"], message: [
            "site-a/signing.key: is not the signing key m5.hem holds for site 'site-b'"])
    }
}
