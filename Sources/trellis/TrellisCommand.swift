import ArgumentParser

/// The `trellis` command line: one binary for the collector, its checks and its tools.
@main
struct TrellisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis",
        abstract: "A distributed-tracing collector and store: OTLP, Zipkin and Jaeger in, traces out.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, HealthCheckCommand.self, LoadgenCommand.self, DemoCommand.self, ClickHouseCommand.self]
    )
}
