/// Where the load goes: `http://host:port[/path]` and the protocol to speak there.
struct LoadTarget {
    enum WireProtocol: String, CaseIterable {
        case grpc
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
    }

    let host: String
    let port: Int
    let path: String
    let wireProtocol: WireProtocol

    /// Parses the endpoint; an empty one means the protocol's default port on 127.0.0.1.
    init(endpoint: String?, wireProtocol: WireProtocol) throws(LoadgenError) {
        self.wireProtocol = wireProtocol
        var rest = Substring(endpoint ?? (wireProtocol == .grpc ? "http://127.0.0.1:4317" : "http://127.0.0.1:4318"))
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.hasPrefix("https://") {
            throw .badOption("--endpoint: TLS is not supported by the load generator; use http://")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let hostPort = rest[..<slash]
        let suffix = String(rest[slash...])
        guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port) else {
            throw .badOption("--endpoint: '\(endpoint ?? "")' needs a host and port, like http://127.0.0.1:4317")
        }
        host = String(hostPort[..<colon])
        self.port = port
        path = suffix.isEmpty || suffix == "/" ? "/v1/traces" : suffix
    }

    /// The gRPC authority as a URL, or the OTLP/HTTP URL with its path.
    var url: String {
        "http://\(host):\(port)" + (wireProtocol == .grpc ? "" : path)
    }
}

/// Why `trellis loadgen` could not run.
enum LoadgenError: Error, CustomStringConvertible {
    case badOption(String)
    case cannotConnect(String)

    var description: String {
        switch self {
        case .badOption(let message): return message
        case .cannotConnect(let message): return message
        }
    }
}
