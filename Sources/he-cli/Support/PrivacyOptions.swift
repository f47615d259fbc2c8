import ArgumentParser
import Governance
import Privacy

// The differential-privacy option of the release commands (docs/PRIVACY.md).

/// A zCDP rho as typed: a positive decimal (`0.1`) or fraction (`1/10`), read exactly.
struct PrivacyLoss: ExpressibleByArgument, Sendable {
    var rho: Rational

    init?(argument: String) {
        guard let value = ReleasePolicy.parseBudget(argument), let value else { return nil }
        rho = value
    }

    static var defaultValueDescription: String { "rho" }
}

struct PrivacyOptions: ParsableArguments {
    @Option(name: .customLong("dp"),
            help: ArgumentHelp("Release with differential privacy, spending this zCDP rho of the study's dp-budget (a decimal such as 0.1 or a fraction such as 1/10, at most \(ReleasePolicy.largestBudget)); needs --manifest, --log and --log-key (docs/PRIVACY.md).",
                               valueName: "rho"))
    var dp: PrivacyLoss?

    func validate(logging: ReleaseLogOptions, verify: VerificationOptions) throws {
        guard dp != nil else { return }
        if verify.study.manifest == nil {
            throw ValidationError("--dp needs --manifest: the study's policy sets the privacy budget (dp-budget)")
        }
        if logging.log == nil {
            throw ValidationError("--dp needs --log and --log-key: the decryption log is the study's privacy ledger")
        }
    }
}
