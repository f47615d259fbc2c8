import Crypto
import Foundation
import Testing
import Governance

/// Hexadecimal decoding for the published vectors.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    precondition(digits.count % 2 == 0, "odd hex length")
    func value(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: preconditionFailure("not a hex digit")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
}

func hash(_ text: String) throws -> MerkleHash { try MerkleHash(bytes: hexBytes(text)) }

/// The RFC 6962 reference vectors of Resources/rfc6962-vectors.json (sources named in the file).
struct ReferenceVectors: Decodable {
    struct Hasher: Decodable {
        var emptyRoot, emptyLeafHash, leafData, leafHash, nodeLeft, nodeRight, nodeHash: String
    }

    struct Inclusion: Decodable {
        var leafIndex: UInt64
        var treeSize: UInt64
        var path: [String]
    }

    struct Consistency: Decodable {
        var oldSize: UInt64
        var newSize: UInt64
        var proof: [String]
    }

    var hasher: Hasher
    var leaves: [String]
    var roots: [String]
    var inclusion: [Inclusion]
    var consistency: [Consistency]

    static func load() throws -> ReferenceVectors {
        let url = try #require(Bundle.module.url(forResource: "rfc6962-vectors", withExtension: "json", subdirectory: "Resources"))
        return try JSONDecoder().decode(ReferenceVectors.self, from: Data(contentsOf: url))
    }

    var leafBytes: [[UInt8]] { leaves.map(hexBytes) }
}

/// A deterministic byte generator for test data (not for keys): SplitMix64.
struct TestBytes {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0 ..< count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// A fresh directory for log files (in `base`, else the temporary directory), removed by the caller.
func temporaryDirectory(in base: URL? = nil) throws -> URL {
    let url = (base ?? FileManager.default.temporaryDirectory).appendingPathComponent("governance-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Flips bit `bit` of byte `index`.
func flipped(_ bytes: [UInt8], at index: Int, bit: Int = 0) -> [UInt8] {
    var copy = bytes
    copy[index] ^= UInt8(1 << bit)
    return copy
}

/// The same hash with one bit changed.
func flipped(_ hash: MerkleHash, bit: Int) -> MerkleHash {
    var bytes = hash.bytes
    bytes[bit / 8] ^= UInt8(1 << (bit % 8))
    return try! MerkleHash(bytes: bytes)
}
