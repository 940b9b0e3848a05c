import ArgumentParser
import TrellisApp
import TrellisClickHouse

/// `trellis clickhouse migrate`: creates the ClickHouse archive's schema.
struct ClickHouseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clickhouse",
        abstract: "Manage the ClickHouse archive.",
        subcommands: [Migrate.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the database and the tables of every trellis_store exporter whose archive is ClickHouse (idempotent).",
            discussion: """
                Statements are run on one node each (no ON CLUSTER, which needs ZooKeeper): with a cluster, \
                run it once per node with --endpoint, or leave --endpoint out to use the exporter's.
                """
        )

        @Option(name: .long, help: "The configuration file.")
        var config: String

        @Option(name: .long, help: "A ClickHouse node's HTTP interface to create the tables on instead of the configured endpoint (repeatable).")
        var endpoint: [String] = []

        func run() throws {
            let parsed: TrellisConfig
            do {
                parsed = try TrellisConfig.load(file: config)
            } catch {
                print("\(config): \(error)")
                throw ExitCode(2)
            }
            let archives = parsed.exporters.compactMap { exporter -> (String, ClickHouseSettings)? in
                guard case .trellisStore(let store) = exporter.config, let clickHouse = store.clickHouse else { return nil }
                return (exporter.name, clickHouse.settings)
            }
            guard !archives.isEmpty else {
                print("\(config): no trellis_store exporter has archive.clickhouse")
                throw ExitCode(2)
            }
            for (name, settings) in archives {
                for target in endpoint.isEmpty ? [settings.endpoint] : endpoint {
                    var node = settings
                    node.endpoint = target
                    do {
                        let statements = try ClickHouseArchive.migrate(node)
                        print("exporters.\(name): \(target) has database \(node.database) and its \(statements.count - 1) tables")
                    } catch {
                        print("exporters.\(name): \(error)")
                        throw ExitCode(1)
                    }
                }
            }
        }
    }
}
