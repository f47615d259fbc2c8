// Known-answer tests against vectors derived independently with python-paillier (Tests/Oracles/make_paillier_kat.py).

import Foundation
import Paillier
import Testing

@Suite("Paillier known answers")
struct KnownAnswerTests {
    @Test("public key, fingerprint and DJN base match the vectors", arguments: [2048, 3072])
    func keyDerivations(bits: Int) throws {
        let k = Fixtures.katKey(bits: bits)
        let key = Fixtures.secretKey(bits: bits)
        #expect(key.publicKey.n == hexInteger(k.n))
        #expect(key.publicKey.bits == bits)
        #expect(key.publicKey.djnBase == hexInteger(k.djn_base))
        #expect(key.publicKey.fingerprint.map { String(format: "%02x", $0) }.joined() == k.fingerprint)
    }

    @Test("textbook encryption with fixed r equals phe raw_encrypt; CRT decryption recovers m", arguments: [2048, 3072])
    func textbookVectors(bits: Int) throws {
        let k = Fixtures.katKey(bits: bits)
        let key = Fixtures.secretKey(bits: bits)
        let encryptor = PaillierEncryptor(publicKey: key.publicKey, randomizer: .textbook)
        let decryptor = PaillierDecryptor(secretKey: key)
        for v in k.vectors {
            let m = try #require(BigInt(v.m))
            let c = try encryptor.encrypt(m, textbookR: hexInteger(v.r))
            #expect(c.value == hexInteger(v.c), "m = \(v.m)")
            let expectedResidue = m.modulo(key.publicKey.n)
            let known = try PaillierCiphertext(value: hexInteger(v.c), publicKey: key.publicKey)
            #expect(try decryptor.decrypt(known) == expectedResidue)
            #expect(try decryptor.decryptSigned(known) == centred(expectedResidue, key.publicKey.n))
        }
    }

    @Test("DJN encryption with fixed exponent matches the vectors", arguments: [2048, 3072])
    func djnVectors(bits: Int) throws {
        let k = Fixtures.katKey(bits: bits)
        let key = Fixtures.secretKey(bits: bits)
        let encryptor = bits == 2048 ? Fixtures.encryptor2048 : PaillierEncryptor(publicKey: key.publicKey, randomizer: .djn)
        let decryptor = PaillierDecryptor(secretKey: key)
        for v in k.vectors {
            let m = try #require(BigInt(v.m))
            let c = try encryptor.encrypt(m, djnExponent: hexInteger(v.a))
            #expect(c.value == hexInteger(v.c_djn), "m = \(v.m)")
            #expect(try decryptor.decryptSigned(c) == centred(m.modulo(key.publicKey.n), key.publicKey.n))
        }
    }

    @Test("serialised keys round trip to the same fingerprint")
    func keySerialization() throws {
        let key = Fixtures.secretKey2048
        let pub = try PaillierPublicKey(serialized: key.publicKey.serialized())
        #expect(pub == key.publicKey)
        #expect(pub.fingerprint == key.publicKey.fingerprint)
        #expect(key.publicKey.serialized().count == 7 + 256)
        let sk = try PaillierSecretKey(serialized: key.serialized())
        #expect(sk.publicKey == key.publicKey)
        #expect(sk.serialized() == key.serialized())
    }

    @Test("secret key descriptions reveal no secret")
    func secretKeyDescription() throws {
        let key = Fixtures.secretKey2048
        let k = Fixtures.katKey(bits: 2048)
        let (p, q) = (hexInteger(k.p), hexInteger(k.q))
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped] {
            for secret in [p.description, q.description, k.p, k.q] {
                #expect(!text.contains(secret.prefix(24)))
            }
        }
        #expect(key.description.contains("2048 bits"))
    }
}

/// The centred representative of a residue: residues above (n-1)/2 are negative.
func centred(_ residue: BigInt, _ n: BigInt) -> BigInt {
    residue > (n - 1) >> 1 ? residue - n : residue
}
