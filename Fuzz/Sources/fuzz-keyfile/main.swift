// Key file contents as `he-cli encrypt` (KeyFiles.readPublic) and `he-cli decrypt` (KeyFiles.readSecret) load them.
// The container around the key is made valid here (its checksums and public-key fingerprint are computed), so every
// input reaches the scheme's key decoding and validation. Input layout:
//   selector u8 (bit 0: 0 Paillier, 1 BFV; bit 1: secret key file) | u32 length, parameters | u32 length, public key
//   | secret key (the rest; secret key files only)
// Invariant: a key that loads encrypts, and a secret key decrypts what it encrypts.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.u8()
    let scheme: SchemeID = selector & 1 == 0 ? .paillier : .bfv
    let secret = selector & 2 != 0
    let parameters = input.blob()
    let publicKey = input.blob()
    let secretKey = input.rest()
    let header = ContainerHeader(scheme: scheme, kind: secret ? .secretKey : .publicKey, parameters: parameters,
                                 publicKeyFingerprint: Fingerprint(sha256Of: publicKey), schema: nil, contributors: [],
                                 valueBound: 0)
    let path = Scratch.path("key.hekey")
    Scratch.remove("key.hekey")
    do {
        try ContainerWriter.write(header: header, chunks: secret ? [publicKey, secretKey] : [publicKey], to: path,
                                  secret: true)
    } catch {
        invariantFailure("cannot write the key file: \(error)")
    }
    let keys: SchemeKeys
    do {
        keys = secret ? try KeyFiles.readSecret(path) : try KeyFiles.readPublic(path)
    } catch {
        return 0
    }
    check(keys.scheme == scheme && keys.hasSecretKey == secret, "loaded key of the wrong kind")
    check(keys.parameters == parameters && keys.publicKey == publicKey, "loaded key differs from the file")
    checkKeyWorks(keys)
    return 0
}

FuzzDriver.run(fuzzKeyFile)
