import ArgumentParser

struct HeCLI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "he-cli", abstract: "he-toolkit")
}
