import Foundation
import HEFiles

#if canImport(Glibc)
import Glibc
#endif

// A key holder's new key pair as a folder of two files, written as one transaction: both files or neither, and a
// folder this call created is removed again when anything fails or the process is interrupted.

/// The files of a new key pair.
public struct KeyPairFiles: Sendable {
    public var keys: SchemeKeys
    public var publicKeyPath: String
    public var secretKeyPath: String
}

extension KeyFiles {
    /// Generates a key pair and writes `directory/public.hekey` and `directory/secret.hekey` (mode 0600), creating
    /// `directory` (mode 0700) when it does not exist. Existing key files are never replaced. `willGenerate` is
    /// called once the folder is ready, before the (slow) key generation.
    public static func createKeyPair(scheme: SchemeID, options: KeyGenerationOptions, in directory: String,
                                     willGenerate: () -> Void = {}) throws(EncryptedStatsError) -> KeyPairFiles {
        var isDirectory: ObjCBool = false
        var created = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .file(.fileUnwritable(path: directory, reason: "exists and is not a directory"))
            }
        } else if mkdir(directory, 0o700) != 0 {
            throw .file(.fileUnwritable(path: directory, reason: errnoDescription()))
        } else {
            created = true
        }
        // A failed or interrupted run leaves nothing behind, not even the folder it made (rmdir removes only an
        // empty one).
        var succeeded = false
        if created { InterruptCleanup.removeOnInterrupt(directory: directory) }
        defer {
            if created && !succeeded { rmdir(directory) }
            InterruptCleanup.removeOnInterrupt(directory: nil)
        }
        let publicPath = (directory as NSString).appendingPathComponent(publicKeyName)
        let secretPath = (directory as NSString).appendingPathComponent(secretKeyName)
        for path in [publicPath, secretPath] where FileManager.default.fileExists(atPath: path) {
            throw .file(.outputExists(path: path))
        }
        willGenerate()
        let keys = try SchemeRegistry.generateKeys(scheme: scheme, options: options)
        // The two files are written with the interruption signals held back, so that one never exists without the
        // other.
        try InterruptCleanup.deferringSignals { () throws(EncryptedStatsError) in
            try writeSecret(keys, to: secretPath)
            do throws(EncryptedStatsError) {
                try writePublic(keys, to: publicPath)
            } catch {
                unlink(secretPath)
                throw error
            }
        }
        succeeded = true
        return KeyPairFiles(keys: keys, publicKeyPath: publicPath, secretKeyPath: secretPath)
    }
}
