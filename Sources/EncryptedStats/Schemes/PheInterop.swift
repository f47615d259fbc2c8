import Foundation
import HEFiles
import Paillier

// python-paillier (`phe`) interoperability for the file level: key files <-> phe JWK JSON, and an encrypted table
// made by a Python site with phe -> a packed site file. The table JSON ("he-toolkit phe table", version 1):
//
//   {"format": "he-toolkit phe table", "version": 1,
//    "public_key": {phe public key JWK: "kty", "alg", "n", ...},
//    "row_header": "diagnosis", "columns": ["cases", "controls"],
//    "value_type": "count" | "signed" | "decimal", "scale": 2,        (both optional; default count)
//    "max_value": 1000000000,                  (optional: the site's declared largest |cell|, in table units)
//    "rows": [{"label": "asthma", "values": [{"v": "<ciphertext, decimal>", "e": 0}, ...]}, ...]}
//
// Each value is one phe EncryptedNumber of an integer (exponent 0; decimals are scaled to integers by the site
// before encryption). The singles are packed under encryption into the count-table packing of the value type,
// signed values with the declared bound as offset (see `PaillierVectors.pack`), and every packed ciphertext is
// re-randomised, so the file reveals nothing even when the Python site sent ciphertexts without obfuscation.
// `scripts/phe_encrypt_table.py` writes this format from a CSV table.

public enum PheInterop {
    public static let tableFormat = "he-toolkit phe table"

    private static func paillierOnly(_ keys: SchemeKeys) throws(EncryptedStatsError) {
        guard keys.scheme == .paillier else {
            throw .scheme(operation: "python-paillier interop", reason: "only Paillier keys can be used with python-paillier (this key is \(keys.scheme))")
        }
    }

    /// The public key as phe's JWK JSON.
    public static func exportPublicKey(_ keys: SchemeKeys) throws(EncryptedStatsError) -> String {
        try paillierOnly(keys)
        return try paillier("export public key") { PheJSON.exportPublicKey(try PaillierPublicKey(serialized: keys.publicKey)) }
    }

    /// The secret key as phe's private JWK JSON (contains the primes).
    public static func exportSecretKey(_ keys: SchemeKeys) throws(EncryptedStatsError) -> String {
        try paillierOnly(keys)
        guard let secret = keys.secretKey else {
            throw .scheme(operation: "export secret key", reason: "the key file holds no secret key")
        }
        return try paillier("export secret key") { PheJSON.exportSecretKey(try PaillierSecretKey(serialized: secret)) }
    }

    /// Key material from a phe public JWK.
    public static func importPublicKey(json: String, path: String) throws(EncryptedStatsError) -> SchemeKeys {
        do {
            let pk = try PheJSON.importPublicKey(json)
            return SchemeKeys(scheme: .paillier, parameters: pk.serialized(), publicKey: pk.serialized(), secretKey: nil)
        } catch {
            throw .jsonInput(path: path, reason: "\(error)")
        }
    }

    /// Key material from a phe private JWK.
    public static func importSecretKey(json: String, path: String) throws(EncryptedStatsError) -> SchemeKeys {
        do {
            let sk = try PheJSON.importSecretKey(json)
            return SchemeKeys(scheme: .paillier, parameters: sk.publicKey.serialized(),
                              publicKey: sk.publicKey.serialized(), secretKey: sk.serialized())
        } catch {
            // phe's errors name the failed field, never the key's numbers.
            throw .jsonInput(path: path, reason: "\(error)")
        }
    }

    private struct TableJSON: Decodable {
        struct Number: Decodable {
            var v: String
            var e: Int
        }

        struct Row: Decodable {
            var label: String
            var values: [Number]
        }

        struct Key: Decodable {
            var n: String
        }

        var format: String
        var version: Int
        var public_key: Key
        var row_header: String
        var columns: [String]
        var value_type: String?
        var scale: Int?
        var max_value: UInt64?
        var rows: [Row]
    }

    /// Converts a Python site's encrypted table (phe ciphertexts, JSON above) into a packed site file.
    /// The values cannot be checked here (they are encrypted): the bound is the site's declaration, in table
    /// units as for `he-cli encrypt --max-value`: the table's `max_value` (written by scripts/phe_encrypt_table.py,
    /// which checks every cell against it), else `maxValue`, else the default of `he-cli encrypt`. When both the
    /// table and `maxValue` give one, they must agree.
    @discardableResult
    /// With `signer`, the site file is signed for the study as by `EncryptedTableFiles.encrypt`.
    public static func importEncryptedTable(jsonPath: String, keys: SchemeKeys, keyPath: String, site: String,
                                            maxValue: UInt64?, to output: String,
                                            signer: SiteSigner? = nil) throws(EncryptedStatsError) -> ContainerHeader {
        try paillierOnly(keys)
        let bytes = try files { () throws(HEFilesError) in
            try SiteID.validate(site)
            return try readWholeFile(jsonPath)
        }
        func bad(_ reason: String) -> EncryptedStatsError { .jsonInput(path: jsonPath, reason: reason) }
        let table: TableJSON
        do {
            table = try JSONDecoder().decode(TableJSON.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            let at = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw bad("missing field \"\(at)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw bad("field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch {
            throw bad("not valid JSON of the \"\(tableFormat)\" format")
        }
        guard table.format == tableFormat, table.version == 1 else {
            throw bad("\"format\" must be \"\(tableFormat)\" and \"version\" 1")
        }
        let encoding: ValueEncoding
        switch table.value_type ?? "count" {
        case "count": encoding = .count
        case "signed": encoding = .signedInteger
        case "decimal":
            guard let scale = table.scale, (1 ... ValueEncoding.maxScale).contains(scale) else {
                throw bad("\"value_type\": \"decimal\" needs \"scale\" between 1 and \(ValueEncoding.maxScale)")
            }
            encoding = .fixedPoint(scale: scale)
        case let other: throw bad("\"value_type\" is \"\(other)\", expected count, signed or decimal")
        }
        guard !table.columns.isEmpty, !table.rows.isEmpty else { throw bad("the table needs columns and rows") }
        // The same label rules as a CSV table read by `he-cli encrypt`.
        func checkLabel(_ label: String, _ what: String) throws(EncryptedStatsError) {
            guard !label.trimmingASCIISpaces.isEmpty else { throw bad("\(what) is empty") }
            guard label.utf8.count <= ContainerFormat.maxLabelLength else {
                throw bad("\(what) has \(label.utf8.count) bytes; labels are at most \(ContainerFormat.maxLabelLength)")
            }
        }
        guard table.row_header.utf8.count <= ContainerFormat.maxLabelLength else {
            throw bad("\"row_header\" has \(table.row_header.utf8.count) bytes; labels are at most \(ContainerFormat.maxLabelLength)")
        }
        var seenColumns: [String: Int] = [:]
        for (j, label) in table.columns.enumerated() {
            try checkLabel(label, "column label \(j + 1)")
            if let first = seenColumns[label] { throw bad("column label \(j + 1) ('\(label)') repeats column \(first)") }
            seenColumns[label] = j + 1
        }
        var seenRows: [String: Int] = [:]
        for (i, row) in table.rows.enumerated() {
            try checkLabel(row.label, "the label of row \(i + 1)")
            if let first = seenRows[row.label] { throw bad("row \(i + 1) ('\(row.label)') repeats the label of row \(first)") }
            seenRows[row.label] = i + 1
        }

        let pk = try paillier("load key") { try PaillierPublicKey(serialized: keys.publicKey) }
        // The table names the key it was encrypted under; it must be the key given.
        let exported = PheJSON.exportPublicKey(pk)
        guard let data = exported.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let n = object["n"] as? String, n == table.public_key.n else {
            throw .incompatibleInputs(first: jsonPath, second: keyPath,
                                      reason: "the table was encrypted under another public key (its \"public_key\".\"n\" differs)")
        }
        var singles: [PaillierCiphertext] = []
        singles.reserveCapacity(table.rows.count * table.columns.count)
        for (i, row) in table.rows.enumerated() {
            guard row.values.count == table.columns.count else {
                throw bad("row \(i + 1) ('\(row.label)') has \(row.values.count) values for \(table.columns.count) columns")
            }
            for (j, number) in row.values.enumerated() {
                guard number.e == 0 else {
                    throw bad("row \(i + 1) ('\(row.label)'), column \(j + 1): exponent \(number.e); only integers (exponent 0) are accepted")
                }
                guard let value = BigInt(number.v) else {
                    throw bad("row \(i + 1) ('\(row.label)'), column \(j + 1): \"v\" is not a decimal integer")
                }
                do {
                    singles.append(try PaillierCiphertext(value: value, publicKey: pk))
                } catch {
                    throw bad("row \(i + 1) ('\(row.label)'), column \(j + 1): \(error) (was it encrypted under this public key?)")
                }
            }
        }
        let scheme = try PaillierVectors(publicKey: pk, kind: .countTable, encoding: encoding)
        let capacity = scheme.layout.slotCapacity
        let declared: UInt64
        switch (table.max_value, maxValue) {
        case let (inTable?, given?) where inTable != given:
            throw .declaredBoundDisagrees(path: jsonPath, declared: inTable, given: given)
        case let (inTable?, _):
            guard inTable >= 1 else { throw bad("\"max_value\" must be at least 1") }
            declared = inTable
        case let (nil, given?):
            declared = given
        case (nil, nil):
            declared = ValueBounds.defaultMaxValue(slotCapacity: capacity, encoding: encoding)
        }
        guard let bound = ValueBounds.storedBound(maxValue: declared, encoding: encoding, capacity: capacity) else {
            let largest = ValueBounds.largestMaxValue(capacity: capacity, encoding: encoding)
            let refusal = EncryptedStatsError.valueBoundTooLarge(maxValue: declared, largest: largest, units: "in table units")
            if table.max_value == nil, maxValue != nil { throw refusal }
            // The option named here is the one of scripts/phe_encrypt_table.py, which wrote the table.
            throw bad("\"max_value\": \(refusal); encrypt the table again with a smaller --max-value")
        }
        try signer?.check(site: site, encryptionKey: keys.publicKeyFingerprint, bound: bound)
        let per = scheme.layout.slotsPerCiphertext
        var chunks: [[UInt8]] = []
        for start in stride(from: 0, to: singles.count, by: per) {
            chunks.append(scheme.serialize(try scheme.pack(singles[start ..< min(start + per, singles.count)], bound: bound)))
        }
        let schema = TableSchema(shape: TableShape(rowHeader: table.row_header, rowLabels: table.rows.map(\.label),
                                                   columnLabels: table.columns, encoding: encoding),
                                 layout: scheme.layout)
        var header = ContainerHeader(scheme: .paillier, kind: .siteTable, parameters: scheme.parameters,
                                     publicKeyFingerprint: keys.publicKeyFingerprint, schema: schema,
                                     contributors: [site], valueBound: bound)
        if let signer { header.statements = [try signer.statement(site: site, content: ContentDigest.compute(header: header, chunks: chunks))] }
        return try files { () throws(HEFilesError) in try ContainerWriter.write(header: header, chunks: chunks, to: output) }
    }
}
