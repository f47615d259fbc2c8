// Site identifiers: the names under which sites contribute to aggregates (docs/FORMAT.md).

/// Rules for site identifiers.
public enum SiteID {
    public static let maxLength = 128

    /// Why `site` is not a valid site ID, or nil when it is.
    public static func problem(_ site: String) -> String? {
        if site.isEmpty { return "it is empty" }
        if site.utf8.count > maxLength { return "it is longer than \(maxLength) bytes" }
        let allowed = site.unicodeScalars.allSatisfy { s in
            (s.properties.isAlphabetic || s.properties.numericType != nil || "-_.:@+".unicodeScalars.contains(s))
        }
        if !allowed { return "use letters, digits and - _ . : @ + only" }
        return nil
    }

    /// Throws `invalidSiteID` when `site` is not valid.
    public static func validate(_ site: String) throws(HEFilesError) {
        if let reason = problem(site) { throw .invalidSiteID(site, reason: reason) }
    }
}
