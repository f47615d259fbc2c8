/// The key holder's warnings about what a decryption releases and what it does not protect (`decrypt`,
/// `gwas report`). They go through `Console.warning`, which `--quiet` never silences: `--quiet` drops progress,
/// notes and the summary of what was written, never a policy warning or a refusal.
enum ReleaseWarnings {
    /// Before anything is decrypted: a decryption without a manifest verifies nothing; a signed study's release
    /// without a log is not recorded.
    static func beforeDecryption(_ verify: VerificationOptions, _ release: ReleaseLogOptions) {
        if verify.study.manifest == nil { Console.warning(VerificationOptions.unverifiedWarning) }
        if release.log == nil && verify.study.manifest != nil { Console.warning(ReleaseLogOptions.unloggedWarning) }
    }

    /// After the release: a single site's data was decrypted, not a sum over several sites; what the policy withheld.
    static func afterDecryption(input: String, contributors: [String], withheld: String? = nil) {
        if contributors.count == 1 {
            Console.warning("\(input) holds a single site's data, not a sum over several sites")
        }
        if let withheld { Console.warning("the release policy withheld \(withheld); see docs/GOVERNANCE.md") }
    }
}
