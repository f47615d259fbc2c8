import EncryptedStats

// A Ctrl-C or kill during a write removes the temporary output file instead of leaving it behind.
InterruptCleanup.install()
PeakMemoryReport.installIfRequested()
HeCLI.main()
