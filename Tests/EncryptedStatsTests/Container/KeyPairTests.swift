import EncryptedStats
import HEFiles
import HETestSupport
import Testing

@Suite("Key files: the secret key must belong to the public key")
struct KeyPairTests {
    // Found by the keyfile fuzz target: a BFV secret key file holding another key pair's secret key loaded, and
    // decryption later failed with "noise budget exhausted" instead of the key being refused when it was read.
    @Test("a secret key file whose secret key belongs to another key pair is refused", arguments: SchemeID.allCases)
    func foreignSecretKey(scheme: SchemeID) throws {
        let options = KeyGenerationOptions(modulusBits: scheme == .paillier ? 2048 : nil)
        let a = try SchemeRegistry.generateKeys(scheme: scheme, options: options)
        let b = try SchemeRegistry.generateKeys(scheme: scheme, options: options)
        let mixed = SchemeKeys(scheme: scheme, parameters: a.parameters, publicKey: a.publicKey, secretKey: b.secretKey)
        let dir = ScratchDirectory()
        let path = dir.file("secret.hekey")
        try KeyFiles.writeSecret(mixed, to: path)
        #expect {
            try KeyFiles.readSecret(path)
        } throws: { error in
            guard case let EncryptedStatsError.file(.invalidPayload(p, chunk, reason)) = error else { return false }
            return p == path && chunk == 1 && reason.contains("does not belong to the public key")
        }
        // The matching pair still loads and decrypts what it encrypts.
        let good = dir.file("good.hekey")
        try KeyFiles.writeSecret(a, to: good)
        let keys = try KeyFiles.readSecret(good)
        let instance = try SchemeRegistry.instance(for: keys)
        try roundTrip(instance)
    }

    private func roundTrip<S: AdditiveVectorDecryptor>(_ s: S) throws {
        let values: [Int64] = [0, 5, 7, 12_345]  // counts: the registry's default table encoding
        #expect(try s.decrypt(s.encrypt(values, bound: 12_345, site: "site-a")) == values)
    }
}
