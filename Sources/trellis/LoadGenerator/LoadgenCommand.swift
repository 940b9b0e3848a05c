import ArgumentParser
import Glibc
import NIOPosix
import TrellisCodec
import TrellisModel

/// `trellis loadgen`: drives any OTLP endpoint (Trellis or another collector) with realistic
/// traces and reports throughput, refusals and latency, like an SDK would see them.
struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Send realistic OTLP traces to an endpoint and measure throughput and latency."
    )

    @Option(help: "The endpoint URL (default http://127.0.0.1:4317 for grpc, http://127.0.0.1:4318/v1/traces for http).")
    var endpoint: String?

    @Option(name: .customLong("protocol"), help: "grpc, http/protobuf or http/json.")
    var wireProtocol = "grpc"

    @Option(help: "TCP connections.")
    var connections = 2

    @Option(help: "Requests in flight across all connections.")
    var concurrency = 8

    @Option(help: "Spans in each export request.")
    var spansPerRequest = 100

    @Option(help: "Spans in each trace.")
    var spansPerTrace = 5

    @Option(help: "Extra attributes per span, beyond the HTTP ones.")
    var attributes = 0

    @Option(help: "Target spans per second; 0 sends as fast as the endpoint answers.")
    var rate = 0

    @Option(help: "How long to send, e.g. 20s, 1m, 500ms.")
    var duration = "10s"

    @Flag(help: "Compress request bodies with gzip.")
    var gzip = false

    @Flag(help: "Print only the final summary, as one JSON line.")
    var json = false

    @Option(help: "Seed for the generated IDs and shapes.")
    var seed: UInt64 = 1

    func run() async throws {
        let succeeded: Bool
        do {
            succeeded = try await LoadRun(options: try validated()).run()
        } catch {
            print("trellis loadgen: \(error)")
            throw ExitCode.failure
        }
        if !succeeded { throw ExitCode.failure }
    }

    private func validated() throws(LoadgenError) -> LoadRun.Options {
        let wire = try LoadTarget.WireProtocol(option: wireProtocol)
        let length = try Duration(option: duration)
        guard connections >= 1, concurrency >= 1, spansPerRequest >= 1, spansPerTrace >= 1, attributes >= 0, rate >= 0 else {
            throw .badOption("--connections, --concurrency, --spans-per-request and --spans-per-trace must be at least 1; --attributes and --rate at least 0")
        }
        return LoadRun.Options(
            target: try LoadTarget(endpoint: endpoint, wireProtocol: wire), connections: connections, concurrency: max(concurrency, connections),
            spansPerRequest: spansPerRequest, spansPerTrace: spansPerTrace, attributes: attributes, rate: rate,
            duration: length, gzip: gzip, json: json, seed: seed, endpointText: endpoint ?? "")
    }
}
