import Paillier
import RLWE

// Errors of the scheme libraries, wrapped as typed cases of EncryptedStatsError (never turned into strings here).

/// Runs a Paillier library call, wrapping its error as ``EncryptedStatsError/paillier(operation:_:)``.
package func paillier<T>(_ operation: String, _ body: () throws -> T) throws(EncryptedStatsError) -> T {
    do {
        return try body()
    } catch let error as PaillierError {
        throw .paillier(operation: operation, error)
    } catch let error as EncryptedStatsError {
        throw error
    } catch {
        // The Paillier library throws only PaillierError; anything else is reported as the scheme's refusal.
        throw .scheme(operation: operation, reason: "\(error)")
    }
}

/// Runs an RLWE library call, wrapping its error as ``EncryptedStatsError/rlwe(operation:_:)``.
package func rlwe<T>(_ operation: String, _ body: () throws(RlweError) -> T) throws(EncryptedStatsError) -> T {
    do {
        return try body()
    } catch {
        throw .rlwe(operation: operation, error)
    }
}
