import Foundation
import RLWE
import Testing

@Suite struct BfvEvaluatorTests {
    @Test(arguments: BfvPreset.allCases)
    func multiplyRelinearizeRotate(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let t = p.plaintextModulus
        let tm = try Modulus(t)
        let n = p.degree
        let half = n / 2
        let rk = f.keyGenerator.relinearizationKey()
        let gk = try f.keyGenerator.galoisKeys(rotationSteps: [1, 2, -3], columnSwap: true)
        let ev = Evaluator(parameters: p, relinearizationKey: rk, galoisKeys: gk)
        let a = f.randomValues()
        let b = f.randomValues()
        let ca = try f.encryptor.encrypt(f.encoder.encode(a))
        let cb = try f.encryptor.encrypt(f.encoder.encode(b))
        let fresh = try f.decryptor.noiseBudget(ca)
        let product = zip(a, b).map { tm.multiply($0, $1) }

        let c3 = try ev.multiply(ca, cb)
        #expect(c3.size == 3)
        #expect(try f.encoder.decode(f.decryptor.decrypt(c3)) == product)
        let c2 = try ev.relinearize(c3)
        #expect(c2.size == 2)
        #expect(try f.encoder.decode(f.decryptor.decrypt(c2)) == product)
        let afterMul = try f.decryptor.noiseBudget(c2)
        // Documented bound: one multiplication with relinearisation costs at most log2(t) + log2(N) + 20 bits (docs/RLWE.md).
        let mulCost = (64 - Int(t.leadingZeroBitCount)) + n.trailingZeroBitCount + 20
        #expect(afterMul >= fresh - mulCost, "fresh \(fresh), after multiply \(afterMul)")
        #expect(afterMul > 0)

        // Plaintext operations.
        let pb = try f.encoder.encode(b)
        #expect(try f.encoder.decode(f.decryptor.decrypt(ev.multiplyPlain(ca, pb))) == product)
        #expect(try f.encoder.decode(f.decryptor.decrypt(ev.addPlain(ca, pb))) == zip(a, b).map { tm.add($0, $1) })
        #expect(try f.encoder.decode(f.decryptor.decrypt(ev.subPlain(ca, pb))) == zip(a, b).map { tm.subtract($0, $1) })

        // Rotations: left by 1, right by 3 (own keys), left by 3 (composed from 1 + 2), column swap.
        func rotated(_ v: [UInt64], _ s: Int) -> [UInt64] {
            let e = ((s % half) + half) % half
            return (0..<n).map { i in i < half ? v[(i + e) % half] : v[half + (i - half + e) % half] }
        }
        let r1 = try ev.rotateRows(ca, by: 1)
        #expect(try f.encoder.decode(f.decryptor.decrypt(r1)) == rotated(a, 1))
        let rm3 = try ev.rotateRows(ca, by: -3)
        #expect(try f.encoder.decode(f.decryptor.decrypt(rm3)) == rotated(a, -3))
        let r3 = try ev.rotateRows(ca, by: 3)
        #expect(try f.encoder.decode(f.decryptor.decrypt(r3)) == rotated(a, 3))
        let cs = try ev.rotateColumns(ca)
        #expect(try f.encoder.decode(f.decryptor.decrypt(cs)) == Array(a[half...] + a[..<half]))
        // Documented bound (docs/RLWE.md): a key switch leaves at least the budget of its own noise term.
        let keySwitchBound = NoiseBounds.keySwitchBudget(p)
        let afterRotate = try f.decryptor.noiseBudget(r1)
        print("noise budget \(preset): fresh \(fresh), after multiply+relin \(afterMul), after rotation \(afterRotate), key-switch bound \(keySwitchBound)")
        #expect(afterRotate >= min(fresh, keySwitchBound))
        #expect(throws: RlweError.self) { try ev.rotateRows(ca, by: 5) }  // needs key for 4

        // Multiply after switching down one prime still works (when more than one is left).
        if p.maxLimbCount > 2 {
            let da = try ev.modSwitchToNext(ca)
            let db = try ev.modSwitchToNext(cb)
            let d = try ev.multiplyRelinearize(da, db)
            #expect(try f.encoder.decode(f.decryptor.decrypt(d)) == product)
            let dd = try ev.modSwitchToSmallest(d)
            #expect(try f.encoder.decode(f.decryptor.decrypt(dd)) == product)
            // Key switching below the top level uses the keys' first primes and, if any, their special prime.
            #expect(try f.encoder.decode(f.decryptor.decrypt(ev.rotateRows(da, by: 1))) == rotated(a, 1))
            #expect(try f.encoder.decode(f.decryptor.decrypt(ev.rotateColumns(da))) == Array(a[half...] + a[..<half]))
        }
        // With a special prime, key switching still works with one data prime left (a single digit).
        if p.specialModulus != nil {
            let small = try ev.modSwitchToSmallest(ca)
            #expect(try f.encoder.decode(f.decryptor.decrypt(ev.rotateRows(small, by: 1))) == rotated(a, 1))
        }
        // Noise budget is reported at every stage, and mod switching keeps the message.
        var c = c2
        while c.limbCount > 1 {
            c = try ev.modSwitchToNext(c)
            #expect(try f.encoder.decode(f.decryptor.decrypt(c)) == product)
        }
    }

    /// The presets order their primes from largest to smallest (special prime last), so dividing by the last prime
    /// never has to reduce its residues modulo a smaller one. Custom sets may order them the other way: primes
    /// ascending, the special prime the largest, through rotation, relinearisation and modulus switching.
    /// A plaintext constant c multiplies every coefficient of the ciphertext by c lifted to (-t/2, t/2]: c itself
    /// up to t/2, c - t above it (so t - 1 negates). Exact ciphertext comparison at every level, so a lift that
    /// is not centred (only more noise, same decryption) or off by one at t/2 fails.
    @Test(arguments: [BfvPreset.n4096, .n8192])
    func plaintextConstantsLiftCentred(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let t = p.plaintextModulus
        let ev = Evaluator(parameters: p)
        let fresh = try f.encryptor.encrypt(f.encoder.encode(f.randomValues()))
        for ct in [fresh, try ev.modSwitchToSmallest(fresh)] {
            for c in [1, 2, t / 2 - 1, t / 2, t / 2 + 1, t - 2, t - 1] {
                var coefficients = [UInt64](repeating: 0, count: p.degree)
                coefficients[0] = c
                let product = try ev.multiplyPlain(ct, Plaintext(parameters: p, coefficients: coefficients))
                for (got, input) in zip(product.polys, ct.polys) {
                    var expected = input
                    if c <= t / 2 {
                        expected.multiply(byScalar: c)
                    } else {
                        expected.negate()
                        expected.multiply(byScalar: t - c)
                    }
                    #expect(got == expected, "constant \(c), \(ct.limbCount) primes")
                }
            }
        }
    }

    @Test func ascendingPrimesSwitchKeysAndModuli() throws {
        let n = 8192
        let t = BfvPreset.plaintextModulus
        let moduli = try [50, 52, 56].map { try NttPrimes.generate(bits: $0, degree: n, count: 1)[0] }
        let special = try NttPrimes.generate(bits: 60, degree: n, count: 1)[0]
        let p = try BfvParameters(degree: n, plaintextModulus: t, coefficientModuli: moduli, specialModulus: special)
        let keys = KeyGenerator(parameters: p)
        let encoder = BatchEncoder(parameters: p)
        let decryptor = Decryptor(secretKey: keys.secretKey)
        let ev = Evaluator(
            parameters: p, relinearizationKey: keys.relinearizationKey(),
            galoisKeys: try keys.galoisKeys(rotationSteps: [1], columnSwap: false))
        var rng = SystemRandomNumberGenerator()
        let a = (0..<n).map { _ in UInt64.random(in: 0..<t, using: &rng) }
        let ca = try Encryptor(publicKey: keys.publicKey()).encrypt(encoder.encode(a))
        let half = n / 2
        let rotated = (0..<n).map { i in i < half ? a[(i + 1) % half] : a[half + (i - half + 1) % half] }
        let r = try ev.rotateRows(ca, by: 1)
        #expect(try encoder.decode(decryptor.decrypt(r)) == rotated)
        #expect(try decryptor.noiseBudget(r) >= min(decryptor.noiseBudget(ca), NoiseBounds.keySwitchBudget(p)))
        let tm = try Modulus(t)
        let square = a.map { tm.multiply($0, $0) }
        let sq = try ev.multiplyRelinearize(ca, ca)
        #expect(try encoder.decode(decryptor.decrypt(sq)) == square)
        var c = sq
        while c.limbCount > 1 {
            c = try ev.modSwitchToNext(c)
            #expect(try encoder.decode(decryptor.decrypt(c)) == square, "\(c.limbCount) primes left")
        }
        #expect(try encoder.decode(decryptor.decrypt(ev.modSwitchToSmallest(r))) == rotated)
    }

    @Test func serializedEvaluationKeysWork() throws {
        let f = PresetFixture.of(.n4096)
        let p = f.parameters
        let rk = try RelinearizationKey(serialized: f.keyGenerator.relinearizationKey().serialized(), parameters: p)
        let gk = try GaloisKeys(
            serialized: f.keyGenerator.galoisKeys(rotationSteps: [1], columnSwap: true).serialized(), parameters: p)
        #expect(gk.elements.count == 2)
        let ev = Evaluator(parameters: p, relinearizationKey: rk, galoisKeys: gk)
        let a = f.randomValues()
        let ca = try f.encryptor.encrypt(f.encoder.encode(a))
        let sq = try ev.multiplyRelinearize(ca, ca)
        let tm = try Modulus(p.plaintextModulus)
        #expect(try f.encoder.decode(f.decryptor.decrypt(sq)) == a.map { tm.multiply($0, $0) })
        let r = try ev.rotateColumns(ca)
        #expect(try f.encoder.decode(f.decryptor.decrypt(r)) == Array(a[(p.degree / 2)...] + a[..<(p.degree / 2)]))
        // Size-3 ciphertexts serialise too.
        let c3 = try ev.multiply(ca, ca)
        let back = try Ciphertext(serialized: c3.serialized(), parameters: p)
        #expect(try f.decryptor.decrypt(back) == f.decryptor.decrypt(c3))
    }
}

@Suite struct RotationCompositionTests {
    /// The default Galois keys (power-of-two left steps and the column swap) reach any rotation.
    @Test func defaultKeysReachAnyRotation() throws {
        let f = PresetFixture.of(.n4096)
        let p = f.parameters
        let half = p.degree / 2
        let gk = f.keyGenerator.galoisKeys()
        #expect(gk.elements.count == half.trailingZeroBitCount + 1)
        let ev = Evaluator(parameters: p, galoisKeys: gk)
        let a = f.randomValues()
        let ct = try f.encryptor.encrypt(f.encoder.encode(a))
        for s in [0, 7, -1, -100, half - 1, 1234] {
            let e = ((s % half) + half) % half
            let expected = (0..<p.degree).map { i in i < half ? a[(i + e) % half] : a[half + (i - half + e) % half] }
            #expect(try f.encoder.decode(f.decryptor.decrypt(ev.rotateRows(ct, by: s))) == expected, "steps \(s)")
        }
    }
}
