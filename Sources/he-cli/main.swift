import EncryptedStats

#if canImport(Glibc)
import Glibc
#endif

// HE_THREADS (the thread limit of the parallel loops) is read once; a value that is not a positive integer is a
// usage error rather than silently ignored.
if let problem = Parallelism.environmentProblem {
    Console.error(problem)
    exit(ExitCodes.usage)
}
// A Ctrl-C or kill during a write removes the temporary output file instead of leaving it behind.
InterruptCleanup.install()
HeCLI.main()
