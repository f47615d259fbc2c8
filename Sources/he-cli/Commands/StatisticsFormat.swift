import ArgumentParser

/// Output format of `chi2` and `summary`.
enum StatisticsFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Shortest text that reads back as the same double ("NA" for nil).
func number(_ x: Double?) -> String {
    guard let x else { return "NA" }
    return x.isFinite ? "\(x)" : (x.isNaN ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"))
}

func jsonNumber(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "null" }
    return "\(x)"
}

