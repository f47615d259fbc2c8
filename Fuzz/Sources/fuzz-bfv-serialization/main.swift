// The BFV (RLWE) binary serialisation readers, under the n4096 preset. Input: one selector byte, then the bytes.
//   selector % 9: 0 ciphertext (plain or seeded), 1 secret key, 2 public key, 3 relinearisation key, 4 Galois keys,
//   5 public-key share, 6 decryption share, 7 key-switch share, 8 Shamir share (docs/MULTIPARTY.md).
// Invariant: whatever parses serialises to bytes that parse again and serialise to the same bytes.
import FuzzSupport
import RLWE

let parameters = BfvParameters.preset(.n4096)

func roundTrip<T>(_ bytes: [UInt8], _ parse: ([UInt8]) throws -> T, _ serialize: (T) -> [UInt8], _ what: String) {
    guard let value = try? parse(bytes) else { return }
    let once = serialize(value)
    do {
        let twice = serialize(try parse(once))
        check(twice == once, "\(what): serialising the re-parsed value gives different bytes")
    } catch {
        invariantFailure("\(what): the serialisation of a parsed value does not parse: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBfvSerialization(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.u8()
    let bytes = input.rest()
    switch selector % 9 {
    case 0: roundTrip(bytes, { try Ciphertext(serialized: $0, parameters: parameters) }, { $0.serialized() }, "ciphertext")
    case 1: roundTrip(bytes, { try SecretKey(serialized: $0, parameters: parameters) }, { $0.serialized() }, "secret key")
    case 2: roundTrip(bytes, { try PublicKey(serialized: $0, parameters: parameters) }, { $0.serialized() }, "public key")
    case 3: roundTrip(bytes, { try RelinearizationKey(serialized: $0, parameters: parameters) }, { $0.serialized() },
                      "relinearisation key")
    case 4: roundTrip(bytes, { try GaloisKeys(serialized: $0, parameters: parameters) }, { $0.serialized() }, "Galois keys")
    case 5: roundTrip(bytes, { try PublicKeyShare(serialized: $0, parameters: parameters) }, { $0.serialized() },
                      "public-key share")
    case 6: roundTrip(bytes, { try DecryptionShare(serialized: $0, parameters: parameters) }, { $0.serialized() },
                      "decryption share")
    case 7: roundTrip(bytes, { try PublicKeySwitchShare(serialized: $0, parameters: parameters) }, { $0.serialized() },
                      "key-switch share")
    default: roundTrip(bytes, { try ShamirShare(serialized: $0, parameters: parameters) }, { $0.serialized() },
                       "Shamir share")
    }
    return 0
}

FuzzDriver.run(fuzzBfvSerialization)
