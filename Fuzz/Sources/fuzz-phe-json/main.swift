// python-paillier (phe) JSON as `he-cli import` reads it. Input: one selector byte, then the JSON file.
//   selector % 3 == 0: a phe public JWK   (PheInterop.importPublicKey, as `he-cli import --public-key`)
//   selector % 3 == 1: a phe private JWK  (PheInterop.importSecretKey, as `he-cli import --secret-key`)
//   selector % 3 == 2: a Python site's encrypted table (PheInterop.importEncryptedTable, as `he-cli import --table`)
//                      under the committed Paillier test key, then decrypted as `he-cli decrypt` does.
// Invariants: an imported key exports to JSON that imports to the same key; an imported table is a site file whose
// header reads back, and decrypting it either fails with an error or gives values within the declared bound.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

let testKey = TestKeys.secret(.paillier)
let testPublicKeyPath = TestKeys.publicPath(.paillier)
let testPublicKey: SchemeKeys = {
    do { return try KeyFiles.readPublic(testPublicKeyPath) } catch { invariantFailure("test public key: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPheJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.u8()
    let bytes = input.rest()
    let path = Scratch.write("phe.json", bytes)
    switch selector % 3 {
    case 0, 1:
        // he-cli reads the file and requires UTF-8 before handing the text over.
        guard let json = String(validating: bytes, as: UTF8.self) else { return 0 }
        let secret = selector % 3 == 1
        let keys: SchemeKeys
        do {
            keys = secret ? try PheInterop.importSecretKey(json: json, path: path)
                          : try PheInterop.importPublicKey(json: json, path: path)
        } catch {
            return 0
        }
        check(keys.scheme == .paillier && keys.hasSecretKey == secret, "imported key of the wrong kind")
        do {
            try SchemeRegistry.validate(keys)
            let exported = secret ? try PheInterop.exportSecretKey(keys) : try PheInterop.exportPublicKey(keys)
            let again = secret ? try PheInterop.importSecretKey(json: exported, path: "exported")
                               : try PheInterop.importPublicKey(json: exported, path: "exported")
            check(again.publicKeyFingerprint == keys.publicKeyFingerprint, "export and re-import changed the key")
            check(again.parameters == keys.parameters, "export and re-import changed the parameters")
        } catch {
            invariantFailure("an imported key does not validate or round-trip: \(error)")
        }
    default:
        let bound = UInt64(1 + selector / 3)
        let out = Scratch.path("imported.he")
        Scratch.remove("imported.he")
        let header: ContainerHeader
        do {
            header = try PheInterop.importEncryptedTable(jsonPath: path, keys: testPublicKey, keyPath: testPublicKeyPath,
                                                         site: "python-site", maxValue: bound, to: out)
        } catch {
            return 0
        }
        check(header.kind == .siteTable && header.contributors == ["python-site"], "imported header \(header)")
        // The bound is in table units (the table's max_value may only repeat it): stored units scale decimals.
        let stored = header.schema!.encoding.storedBound(maxValue: bound)
        check(header.valueBound == stored, "declared bound \(bound) became \(header.valueBound)")
        do {
            let totals = try EncryptedTableFiles.decrypt(out, keys: testKey.keys, keyPath: testKey.path)
            check(totals.values.count == header.schema!.valueCount, "decrypted \(totals.values.count) values")
            for v in totals.values {
                check(v.magnitude <= header.valueBound, "decrypted value \(v) outside the bound \(header.valueBound)")
            }
        } catch {
            return 0
        }
    }
    return 0
}

FuzzDriver.run(fuzzPheJSON)
