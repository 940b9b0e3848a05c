import ArgumentParser
import TrellisModel

/// `trellis demo`: sends, over real OTLP, the traces of the reference deployment — a NestJS
/// node-service calling a Spring Boot demo-service, both auto-instrumented — and says where
/// to look at them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Send the traces of the node-service → demo-service demo deployment to an OTLP endpoint.",
        discussion: """
        Flows: GET /api/greeting, POST /api/chain, POST /api/simulate (slow, error, timeout) and the \
        kubelet's health checks, mixed by weight, each trace ending at the moment it is sent. \
        Exits non-zero when the endpoint cannot be reached or did not accept every span.
        """
    )

    @Option(help: "The OTLP endpoint (default http://127.0.0.1:4317 for grpc, http://127.0.0.1:4318/v1/traces for http).")
    var endpoint: String?

    @Option(name: .customLong("protocol"), help: "grpc, http/protobuf or http/json.")
    var wireProtocol = "grpc"

    @Option(help: "Traces per second.")
    var rate = 20.0

    @Option(help: "How long to send, e.g. 20s, 1m, 500ms.")
    var duration = "20s"

    @Option(help: "Seed for the flows, IDs and timings: the same seed sends the same traces. Default: a new one each run (printed), so runs into one store never share trace IDs.")
    var seed: UInt64?

    @Option(help: "The query API's base URL, for the links in the summary.")
    var queryURL = "http://127.0.0.1:16686"

    func run() async throws {
        let succeeded: Bool
        do {
            succeeded = try await DemoRun(options: try validated()).run()
        } catch {
            print("trellis demo: \(error)")
            throw ExitCode.failure
        }
        if !succeeded { throw ExitCode.failure }
    }

    private func validated() throws(LoadgenError) -> DemoRun.Options {
        let wire = try LoadTarget.WireProtocol(option: wireProtocol)
        let length = try Duration(option: duration)
        guard rate > 0, rate <= 100_000 else {
            throw .badOption("--rate must be more than 0 and at most 100000 traces per second")
        }
        guard queryURL.hasPrefix("http://") || queryURL.hasPrefix("https://") else {
            throw .badOption("--query-url '\(queryURL)' must start with http:// or https://")
        }
        return DemoRun.Options(target: try LoadTarget(endpoint: endpoint, wireProtocol: wire), tracesPerSecond: rate,
                               duration: length, seed: seed ?? WallClock.nowNanos(),
                               queryURL: queryURL.hasSuffix("/") ? String(queryURL.dropLast()) : queryURL)
    }
}
