// The one error type of the Privacy module. Every payload is a public parameter (a scale, a budget, a label):
// no sampled noise value ever appears in an error.

/// Errors of the differential-privacy samplers, accounting and ledger.
public enum PrivacyError: Error, Equatable, Sendable {
    /// A parameter that must be positive (a variance, a scale, a sensitivity) is zero or negative.
    case nonPositiveParameter(name: String, value: Rational)
    /// A parameter that must be non-negative (a privacy loss, an exponent) is negative.
    case negativeParameter(name: String, value: Rational)
    /// A probability is outside [0, 1].
    case probabilityOutOfRange(Rational)
    /// `delta` for an (epsilon, delta) conversion is outside the open interval (0, 1), or not finite.
    case deltaOutOfRange(Double)
    /// A floating-point value given for an exact parameter is NaN or infinite.
    case notFinite(name: String)
    /// A release would spend more zCDP budget than remains: nothing was spent and nothing may be sampled.
    case budgetExceeded(label: String, requested: Rational, remaining: Rational)
    /// A release label is empty or already used in this ledger.
    case invalidLabel(String)
}
