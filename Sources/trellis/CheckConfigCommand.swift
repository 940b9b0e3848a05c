import ArgumentParser
import TrellisApp

/// `trellis check-config FILE`: validates a configuration without starting anything.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print what it would start."
    )

    @Argument(help: "The configuration file.")
    var file: String

    func run() throws {
        let config: TrellisConfig
        do {
            config = try TrellisConfig.load(file: file)
        } catch {
            print("\(file): \(error)")
            throw ExitCode(2)
        }
        print("\(file): valid")
        for listener in config.listeners {
            print("  \(listener.component) listens on \(listener.endpoint)\(listener.udp ? " (UDP)" : "")")
        }
        if let storage = config.query.storage {
            print("  query reads the store of exporters.\(storage)")
        }
        for pipeline in config.service.pipelines {
            print("  pipeline \(pipeline.name): \(pipeline.receivers.joined(separator: ", ")) -> [\(pipeline.processors.joined(separator: ", "))] -> \(pipeline.exporters.joined(separator: ", "))")
        }
    }
}
