#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HEFiles

/// Every error the Governance module throws.
///
/// Each case says what was wrong and where (file, record, byte offset) and what was expected. No case carries key
/// material: keys appear only as their public key ids (SHA-256 of the public key).
public enum GovernanceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A hash of another length than 32 bytes.
    case invalidHashLength(length: Int, expected: Int)
    /// A tree size larger than the tree (or than the other size of a proof).
    case treeSizeOutOfRange(size: UInt64, available: UInt64)
    /// A leaf index not below the tree size.
    case leafIndexOutOfRange(index: UInt64, treeSize: UInt64)
    /// Serialised bytes (tree head, inclusion proof) that do not have the documented form.
    case invalidEncoding(what: String, offset: Int, expected: String)
    /// A key other than the log's: the log (or tree head) names `logKeyID`, the key given has `givenKeyID`.
    case signingKeyMismatch(logKeyID: LogKeyID, givenKeyID: LogKeyID)
    /// The Ed25519 signer reported a failure.
    case signingFailed
    /// A signed tree head whose signature does not verify under the log key.
    case treeHeadSignatureInvalid(treeSize: UInt64)
    /// An inclusion proof for another tree size than the signed tree head it is checked against.
    case proofTreeSizeMismatch(proofSize: UInt64, headSize: UInt64)
    /// An inclusion proof that does not lead from the entry to the tree head's root.
    case inclusionProofInvalid(leafIndex: UInt64, treeSize: UInt64)
    /// A consistency proof that does not show the older tree to be a prefix of the newer one.
    case consistencyProofInvalid(oldSize: UInt64, newSize: UInt64)
    /// An entry larger than a log record holds.
    case entryTooLarge(size: Int, limit: Int)
    /// A system call on a file failed (`errno` is the C error number).
    case fileOperationFailed(path: String, operation: String, errno: Int32)
    /// A log file is damaged or was altered: what, in which record and at which byte is in `problem`.
    case logDamaged(path: String, problem: LogProblem)
    /// A log file is shorter than when this process last read it: it was truncated or replaced by another
    /// writer.
    case logShrank(path: String, knownSize: UInt64, size: UInt64)
    /// A log file does not exist.
    case logNotFound(path: String)
    /// A container, key or output file operation failed (HEFiles' error).
    case file(HEFilesError)
    /// A signing key file that is not one, or is damaged.
    case keyFileDamaged(path: String, reason: String)
    /// A study manifest file that is not one, or is damaged.
    case manifestDamaged(path: String, reason: String)
    /// A manifest whose coordinator signature does not verify.
    case manifestSignatureInvalid(path: String, study: String)
    /// A manifest signed by another coordinator key than the one announced or seen before for its study.
    case coordinatorKeyMismatch(path: String, study: String, expected: Fingerprint, found: Fingerprint)
    /// A manifest of an older version than one already seen for its study.
    case manifestRolledBack(path: String, study: String, version: UInt32, seen: UInt32)
    /// A manifest of the version already seen for its study, with other content.
    case manifestForked(path: String, study: String, version: UInt32)
    /// The state file of seen manifests cannot be read.
    case stateDamaged(path: String)
    /// The next version would hold more sites than the manifest allows.
    case rosterFull(study: String, site: String, maxSites: UInt32)
    /// A site that is not on the manifest's roster.
    case siteNotOnRoster(path: String, site: String)
    /// The signing key given is not the key the roster holds for the site.
    case signingKeyNotOnRoster(keyPath: String, site: String, manifestPath: String)
    /// A declared bound larger than the study's.
    case boundExceedsManifest(site: String, bound: UInt64, maxValue: UInt64, manifestPath: String)
    /// An encrypted file (or key) under another encryption key than the manifest's.
    case encryptionKeyNotInManifest(path: String, site: String, manifestPath: String)
    /// A file without statements where signed files are required.
    case unsignedFile(path: String, site: String)
    /// A statement that cannot be decoded (`index` counts from 1).
    case statementDamaged(path: String, index: Int, reason: String)
    /// A statement whose signature does not verify under the roster key of the site it names.
    case statementSignatureInvalid(path: String, site: String)
    /// A statement of another study.
    case statementOtherStudy(path: String, site: String, study: String, expected: String)
    /// A statement naming another manifest (another version or chain) than the one given.
    case statementOtherManifest(path: String, site: String, manifestVersion: UInt32)
    /// A site signed twice: in two inputs, or twice in one file.
    case duplicateSite(site: String, first: String, second: String)
    /// A header's contributor list that is not the set of sites whose statements it carries.
    case contributorsDisagree(path: String, contributors: [String], signed: [String])
    /// More signed sites than the manifest allows.
    case tooManySites(path: String, count: Int, maxSites: UInt32)
    /// A site file whose content is not the content its statement signs.
    case contentDigestMismatch(path: String, site: String)
    /// A manifest file given to `study verify` is not a version of the chain that ends at the manifest verified against.
    case manifestChainBroken(path: String, study: String, version: UInt32, reason: String)
    /// A manifest policy key that is not one of the release policy's (`known`).
    case policyKeyUnknown(key: String, known: [String])
    /// A manifest policy value that is not what its key expects.
    case policyValueInvalid(key: String, value: String, expected: String)
    /// `min-sites` 1 in a study not marked as a test study.
    case policySingleSiteOutsideTestStudy
    /// A manifest whose `test-study` policy entry contradicts its test-study flag.
    case policyTestStudyDisagrees(study: String, flag: Bool, value: String)
    /// A `min-sites` larger than the number of sites the study may have, so that nothing could be released.
    case policyMinSitesExceedsMaxSites(study: String, minSites: Int, maxSites: UInt32)
    /// A release over fewer distinct verified sites than the policy's `min-sites`.
    case tooFewSites(count: Int, minSites: Int)
    /// A release of a table that an earlier release (log sequence number `sequence`) covered over sites that
    /// differ from this one's by the sites `differing`, fewer than `min-sites`.
    case differencingRelease(sequence: UInt64, differing: [String], minSites: Int)
    /// A table given to small-cell protection that is not one of counts (empty, ragged, negative, too large).
    case countTableInvalid(reason: String)
    /// An entry of the decryption log is not a release record.
    case releaseEntryDamaged(index: UInt64, reason: String)
    /// An inclusion proof file that does not prove its entry under the given log key.
    case proofRefused(path: String, reason: String)
    /// A GWAS aggregate under a small-cell policy is released by `gwas report`, which applies the allele-count rule.
    case policyNeedsGwasReport(path: String)
    /// A multi-party section that cannot be written or used as given.
    case multipartyInvalid(reason: String)
    /// A differentially private release that would make the study's spent rho exceed its `dp-budget`.
    case privacyBudgetExceeded(study: String, requested: String, spent: String, budget: String)
    /// A differentially private release in a study whose policy sets no `dp-budget`.
    case privacyBudgetNotSet(study: String)
    /// An exact release in a study with a `dp-budget` (its rho would be unbounded).
    case exactReleaseUnderBudget(study: String, budget: String)
    /// A differentially private release that cannot be made as asked (`reason`).
    case privateReleaseUnsupported(reason: String)
    /// A sealed noise seed (of log entry `index`, when known) that cannot be made or opened with the log key.
    case noiseSeedUnusable(index: UInt64?)

    public var description: String {
        switch self {
        case let .invalidHashLength(length, expected): "hash of \(length) bytes, expected \(expected)"
        case let .treeSizeOutOfRange(size, available): "tree size \(size) exceeds \(available)"
        case let .leafIndexOutOfRange(index, treeSize): "leaf index \(index) is not below the tree size \(treeSize)"
        case let .invalidEncoding(what, offset, expected): "\(what), byte \(offset): expected \(expected)"
        case let .signingKeyMismatch(logKeyID, givenKeyID):
            "the log's key is \(logKeyID), the key given is \(givenKeyID)"
        case .signingFailed: "Ed25519 signing failed"
        case let .treeHeadSignatureInvalid(treeSize):
            "the signature of the tree head of size \(treeSize) does not verify under the log key"
        case let .proofTreeSizeMismatch(proofSize, headSize):
            "the proof is for a tree of \(proofSize) entries, the tree head has \(headSize)"
        case let .inclusionProofInvalid(leafIndex, treeSize):
            "the proof does not show the entry as leaf \(leafIndex) of the tree of \(treeSize) entries"
        case let .consistencyProofInvalid(oldSize, newSize):
            "the proof does not show the tree of \(oldSize) entries to be a prefix of the tree of \(newSize)"
        case let .entryTooLarge(size, limit): "entry of \(size) bytes exceeds the limit of \(limit)"
        case let .fileOperationFailed(path, operation, errno):
            "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case let .logDamaged(path, problem): "\(path): \(problem)"
        case let .logShrank(path, knownSize, size):
            "\(path): the log is now \(size) bytes, shorter than the \(knownSize) bytes already read"
        case let .logNotFound(path): "\(path): no such log"
        case let .file(inner): inner.description
        case let .keyFileDamaged(path, reason): "\(path): not a usable signing key file: \(reason)"
        case let .manifestDamaged(path, reason): "\(path): not a usable study manifest: \(reason)"
        case let .manifestSignatureInvalid(path, study):
            "\(path): the coordinator signature of the manifest of study '\(study)' does not verify (the manifest was modified)"
        case let .coordinatorKeyMismatch(path, study, expected, found):
            "\(path): study '\(study)' is signed by coordinator key \(found.hex), expected \(expected.hex)"
        case let .manifestRolledBack(path, study, version, seen):
            "\(path): manifest version \(version) of study '\(study)' is older than version \(seen) already seen (rolled back)"
        case let .manifestForked(path, study, version):
            "\(path): manifest version \(version) of study '\(study)' differs from the version \(version) already seen (forked)"
        case let .stateDamaged(path): "\(path): the record of seen manifests is damaged"
        case let .rosterFull(study, site, maxSites):
            "cannot add site '\(site)': study '\(study)' allows at most \(maxSites) sites"
        case let .siteNotOnRoster(path, site): "\(path): site '\(site)' is not on the study's roster"
        case let .signingKeyNotOnRoster(keyPath, site, manifestPath):
            "\(keyPath): is not the signing key \(manifestPath) holds for site '\(site)'"
        case let .boundExceedsManifest(site, bound, maxValue, manifestPath):
            "site '\(site)': declared bound \(bound) exceeds the study's largest value \(maxValue) (\(manifestPath))"
        case let .encryptionKeyNotInManifest(path, site, manifestPath):
            "\(path) (site '\(site)'): not under the encryption key whose fingerprint \(manifestPath) pins"
        case let .unsignedFile(path, site): "\(path) (site '\(site)'): carries no signed statement"
        case let .statementDamaged(path, index, reason): "\(path): statement \(index) is damaged: \(reason)"
        case let .statementSignatureInvalid(path, site):
            "\(path): the statement of site '\(site)' is not signed by that site's key"
        case let .statementOtherStudy(path, site, study, expected):
            "\(path): the statement of site '\(site)' is for study '\(study)', not '\(expected)'"
        case let .statementOtherManifest(path, site, version):
            "\(path): the statement of site '\(site)' names another manifest than this version \(version) (an earlier round or another chain)"
        case let .duplicateSite(site, first, second):
            first == second ? "\(first): site '\(site)' signed twice" : "site '\(site)' is in both \(first) and \(second)"
        case let .contributorsDisagree(path, contributors, signed):
            "\(path): contributors [\(contributors.joined(separator: ", "))] are not the signed sites [\(signed.joined(separator: ", "))]"
        case let .tooManySites(path, count, maxSites): "\(path): \(count) sites, more than the study's \(maxSites)"
        case let .contentDigestMismatch(path, site):
            "\(path): the content is not what site '\(site)' signed (the file was modified or its statement moved)"
        case let .releaseEntryDamaged(index, reason): "log entry \(index): \(reason)"
        case let .proofRefused(path, reason): "\(path): \(reason)"
        case let .policyNeedsGwasReport(path):
            "\(path): a GWAS aggregate of a study with a small-cell policy is released by `gwas report` (`gwas report --mh` for site-stratified terms; it withholds rare variants' group counts), not `decrypt`"
        case let .manifestChainBroken(path, study, version, reason):
            "\(path): version \(version) of study '\(study)' is not in the manifest chain: \(reason)"
        case let .policyKeyUnknown(key, known):
            "policy key '\(key)' is not a release-policy setting (known: \(known.joined(separator: ", ")))"
        case let .policyValueInvalid(key, value, expected):
            "policy key '\(key)': '\(value)' is not valid, expected \(expected)"
        case .policySingleSiteOutsideTestStudy:
            "policy key 'min-sites': 1 is allowed only in a test study (policy key 'test-study' true); a release of one site's data is that site's data"
        case let .policyTestStudyDisagrees(study, flag, value):
            "study '\(study)': policy key 'test-study' is \(value) but the manifest is \(flag ? "" : "not ")marked as a test study"
        case let .policyMinSitesExceedsMaxSites(study, minSites, maxSites):
            "study '\(study)': policy key 'min-sites' is \(minSites), more than the study's \(maxSites) sites: nothing could be released"
        case let .tooFewSites(count, minSites):
            "the release covers \(count) distinct verified site\(count == 1 ? "" : "s"); the study's policy (min-sites) requires at least \(minSites)"
        case let .differencingRelease(sequence, differing, minSites):
            "release \(sequence) of the same table covered sites that differ from these by [\(differing.joined(separator: ", "))]: \(differing.count) site\(differing.count == 1 ? "" : "s"), fewer than min-sites \(minSites), so the difference of the two releases would reveal them"
        case let .countTableInvalid(reason): "not a table of counts: \(reason)"
        case let .multipartyInvalid(reason): "multi-party study: \(reason)"
        case let .privacyBudgetExceeded(study, requested, spent, budget):
            "study '\(study)': a release of rho \(requested) would exceed the privacy budget (dp-budget \(budget), \(spent) already spent by earlier releases in the log)"
        case let .privacyBudgetNotSet(study):
            "study '\(study)': the policy sets no privacy budget (dp-budget none), so no differentially private release can be accounted for; a new manifest version with dp-budget set allows them"
        case let .exactReleaseUnderBudget(study, budget):
            "study '\(study)' has a privacy budget (dp-budget \(budget)): every release must be differentially private (--dp RHO); an exact release would spend an unbounded rho"
        case let .privateReleaseUnsupported(reason): "differentially private release: \(reason)"
        case let .noiseSeedUnusable(index):
            index.map { "log entry \($0): its sealed noise seed does not open with this log key (another key, or the entry was altered)" }
                ?? "the noise seed could not be sealed"
        }
    }
}
