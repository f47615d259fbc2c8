import HEFiles

// A list of variant IDs that selects what a report releases, in plink1.9's --extract convention: one ID per line
// (the first whitespace-separated field; further fields are ignored), blank lines skipped.

/// The variant IDs of an `--extract`-style file.
public struct VariantList: Sendable {
    public var path: String
    /// The IDs in file order, each once.
    public var ids: [String]
    /// The line of each ID.
    var lines: [String: Int]

    /// SHA-256 of the sorted IDs, each followed by a line feed: what the decryption log records of the selection.
    public var digest: Fingerprint {
        let sorted = ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return Fingerprint(sha256Of: Array(sorted.map { $0 + "\n" }.joined().utf8))
    }

    /// Reads the file at `path`: refuses one that cannot be read, is not UTF-8, lists an ID twice or lists none.
    public static func read(_ path: String) throws(GwasError) -> VariantList {
        let bytes: [UInt8]
        do throws(HEFilesError) { bytes = try readWholeFile(path) } catch {
            throw .inputUnreadable(path: path, reason: error.description)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .inputUnreadable(path: path, reason: "not UTF-8 text")
        }
        var ids: [String] = []
        var lines: [String: Int] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let field = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).first else { continue }
            let id = String(field)
            if let first = lines[id] {
                throw .inputDuplicate(path: path, line: i + 1, firstLine: first, field: "variant ID", value: id)
            }
            lines[id] = i + 1
            ids.append(id)
        }
        guard !ids.isEmpty else { throw .inputUnreadable(path: path, reason: "lists no variant ID (one ID per line expected)") }
        return VariantList(path: path, ids: ids, lines: lines)
    }

    /// The indices of `labels` (a panel's IDs, in panel order) that the list names; refuses an ID that is not
    /// among them, naming its line.
    public func selection(of labels: [String]) throws(GwasError) -> [Int] {
        let known = Set(labels)
        if let missing = ids.first(where: { !known.contains($0) }) {
            throw .inputField(path: path, line: lines[missing] ?? 0, field: "variant ID",
                              expected: "an ID of the aggregate's variant panel", found: missing)
        }
        let wanted = Set(ids)
        return labels.indices.filter { wanted.contains(labels[$0]) }
    }
}
