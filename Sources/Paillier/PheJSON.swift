// Interoperability with python-paillier (`phe`) in the JSON forms its `pheutil` command uses:
//   public key   {"kty": "DAJ", "alg": "PAI-GN1", "key_ops": ["encrypt"], "n": <base64url>, "kid": <text>}
//   private key  {"kty": "DAJ", "key_ops": ["decrypt"], "p": <base64url>, "q": <base64url>,
//                 "pub": <public key>, "kid": <text>}
//   ciphertext   {"v": "<ciphertext in decimal>", "e": <exponent>}
// Integers are big-endian magnitudes in unpadded base64url. phe also uses g = n + 1, so a ciphertext is the
// same integer in both libraries; only integer plaintexts (exponent 0) are accepted here.

import Foundation

/// python-paillier JSON import and export.
public enum PheJSON {
    struct PublicJWK: Codable {
        var kty: String
        var alg: String
        var key_ops: [String]
        var n: String
        var kid: String?
    }

    struct PrivateJWK: Codable {
        var kty: String
        var key_ops: [String]
        var p: String
        var q: String
        var pub: PublicJWK
        var kid: String?
    }

    struct EncryptedNumberJSON: Codable {
        var v: String
        var e: Int
    }

    // MARK: Public key

    /// The public key as phe's JWK-style JSON.
    public static func exportPublicKey(_ key: PaillierPublicKey, kid: String? = nil) -> String {
        encode(publicJWK(key, kid: kid))
    }

    /// Imports a phe public key (checks `kty`, `alg`, the `n` encoding and the modulus).
    public static func importPublicKey(_ json: String) throws -> PaillierPublicKey {
        let jwk: PublicJWK = try decode(json, what: "public key")
        return try publicKey(from: jwk)
    }

    // MARK: Private key

    /// The secret key as phe's private JWK (contains the primes).
    public static func exportSecretKey(_ key: PaillierSecretKey, kid: String? = nil) -> String {
        let (p, q) = key.primes
        return encode(PrivateJWK(kty: "DAJ", key_ops: ["decrypt"], p: base64URL(p), q: base64URL(q),
            pub: publicJWK(key.publicKey, kid: kid), kid: kid))
    }

    /// Imports a phe private key; the embedded public key must match p q.
    public static func importSecretKey(_ json: String) throws -> PaillierSecretKey {
        let jwk: PrivateJWK = try decode(json, what: "private key")
        guard jwk.kty == "DAJ" else { throw PaillierError.invalidPheJSON("private key \"kty\" is \"\(jwk.kty)\", expected \"DAJ\"") }
        guard jwk.key_ops.contains("decrypt") else {
            throw PaillierError.invalidPheJSON("private key \"key_ops\" does not contain \"decrypt\"")
        }
        let p = try integer(fromBase64URL: jwk.p, field: "p")
        let q = try integer(fromBase64URL: jwk.q, field: "q")
        let key = try PaillierSecretKey(p: p, q: q)
        let pub = try publicKey(from: jwk.pub)
        guard pub == key.publicKey else {
            throw PaillierError.invalidPheJSON("private key \"pub.n\" is not p q")
        }
        return key
    }

    // MARK: Ciphertexts

    /// A ciphertext as phe's `{"v": "<decimal>", "e": 0}` (an integer plaintext, exponent 0).
    public static func exportCiphertext(_ c: PaillierCiphertext) -> String {
        encode(EncryptedNumberJSON(v: c.value.description, e: 0))
    }

    /// Imports a phe ciphertext of an integer plaintext (exponent 0), checked to be in Z*_{n^2}.
    public static func importCiphertext(_ json: String, publicKey: PaillierPublicKey) throws -> PaillierCiphertext {
        let number: EncryptedNumberJSON = try decode(json, what: "encrypted number")
        guard number.e == 0 else { throw PaillierError.unsupportedPheExponent(number.e) }
        guard let value = BigInt(number.v), value.signum >= 0 else {
            throw PaillierError.invalidPheJSON("encrypted number \"v\" is not a non-negative decimal integer")
        }
        return try PaillierCiphertext(value: value, publicKey: publicKey)
    }

    // MARK: Helpers

    static func publicJWK(_ key: PaillierPublicKey, kid: String?) -> PublicJWK {
        PublicJWK(kty: "DAJ", alg: "PAI-GN1", key_ops: ["encrypt"], n: base64URL(key.n),
            kid: kid ?? "Paillier public key \(key.shortFingerprint) exported by he-toolkit")
    }

    static func publicKey(from jwk: PublicJWK) throws -> PaillierPublicKey {
        guard jwk.kty == "DAJ" else { throw PaillierError.invalidPheJSON("public key \"kty\" is \"\(jwk.kty)\", expected \"DAJ\"") }
        guard jwk.alg == "PAI-GN1" else {
            throw PaillierError.invalidPheJSON("public key \"alg\" is \"\(jwk.alg)\", expected \"PAI-GN1\"")
        }
        return try PaillierPublicKey(n: try integer(fromBase64URL: jwk.n, field: "n"))
    }

    static func decode<T: Decodable>(_ json: String, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw PaillierError.invalidPheJSON("\(what): \(describe(error))")
        }
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _):
            return "missing field \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field \"\(path)\" has the wrong type"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty
                ? "not valid JSON"
                : "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is malformed"
        @unknown default:
            return "undecodable"
        }
    }

    /// Unpadded base64url of the minimal big-endian magnitude (as phe's `int_to_base64`).
    static func base64URL(_ value: BigInt) -> String {
        Data(value.minimalBigEndianBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func integer(fromBase64URL text: String, field: String) throws -> BigInt {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        switch standard.count % 4 {
        case 0: break
        case 2: standard += "=="
        case 3: standard += "="
        default: throw PaillierError.invalidPheJSON("field \"\(field)\" is not base64url (length \(text.count))")
        }
        guard !text.contains("="), !text.contains("+"), !text.contains("/"),
            let data = Data(base64Encoded: standard), !data.isEmpty
        else {
            throw PaillierError.invalidPheJSON("field \"\(field)\" is not unpadded base64url")
        }
        return BigInt(bigEndianBytes: data)
    }
}
