import ArgumentParser
import Governance
import HEFiles

// `study show` and `study verify`.

extension Study {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a manifest (its signature verified).")

        @OptionGroup var study: ManifestOptions

        func validate() throws { if study.manifest == nil { throw ValidationError("give the manifest with --manifest") } }

        func run() throws {
            try reportingErrors { print(describe(try study.source!.load()), terminator: "") }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a manifest, the earlier versions of its chain and every site file and aggregate given (files or folders); name each problem.")

        @OptionGroup var study: ManifestOptions
        @Argument(help: "Site files, aggregates, manifests (.hem) of the chain, or folders of them.", completion: .file()) var files: [String] = []

        func validate() throws { if study.manifest == nil { throw ValidationError("give the manifest with --manifest") } }

        func run() throws {
            try reportingErrors {
                let signed = try study.source!.load()
                print("\(signed.path): study '\(signed.manifest.studyID)' version \(signed.manifest.version), signature verifies")
                let checks = StudyFiles.verify(manifest: signed, files: files)
                for c in checks {
                    if let problem = c.problem { print("PROBLEM \(terminalSafe(ErrorMessages.message(problem)))") }
                    else if let version = c.manifestVersion {
                        print("ok \(c.path): version \(version), in the chain of version \(signed.manifest.version)")
                    } else { print("ok \(c.path): sites \(c.sites.joined(separator: ", "))") }
                }
                let bad = checks.filter { $0.problem != nil }.count
                if bad > 0 {
                    Console.error("\(bad) of \(checks.count) file(s) do not verify")
                    throw ExitCode(ExitCodes.input)
                }
            }
        }
    }
}
