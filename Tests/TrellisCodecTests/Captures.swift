import Foundation

/// The real exporter payloads in `shared/testdata/otlp-python-sdk`, found next to the repository.
enum Captures {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/testdata/otlp-python-sdk")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// Every `.pb` capture with the number of spans and the service its README gives.
    static let protobufPayloads: [(path: String, spans: Int, service: String)] = [
        ("grpc_error/0002_grpc_traces.pb", 2, "node-service"),
        ("grpc_greeting/0001_grpc_traces.pb", 2, "node-service"),
        ("grpc_greeting/0002_grpc_traces.pb", 1, "demo-service"),
        ("grpc_slow/0001_grpc_traces.pb", 2, "node-service"),
        ("grpc_slow/0002_grpc_traces.pb", 1, "demo-service"),
        ("http_error/0002_http_traces.pb", 2, "node-service"),
        ("http_greeting/0001_http_traces.pb", 2, "node-service"),
        ("http_greeting/0002_http_traces.pb", 1, "demo-service"),
        ("http_slow/0001_http_traces.pb", 1, "demo-service"),
        ("http_slow/0002_http_traces.pb", 2, "node-service"),
        ("http_gzip/0001_http_traces.pb", 4, "node-service"),
        ("http_gzip/0003_http_traces.pb", 8, "node-service"),
    ]
}
