import TrellisModel
/// `receivers.otlp`: OTLP over gRPC and HTTP. Each protocol listed under `protocols` is
/// enabled (an empty entry such as `grpc:` enables it with its defaults).
public struct OTLPReceiverConfig: Decodable, Sendable, Hashable {
    public var grpc: GRPCProtocolConfig?
    public var http: HTTPProtocolConfig?

    public init(grpc: GRPCProtocolConfig? = GRPCProtocolConfig(), http: HTTPProtocolConfig? = HTTPProtocolConfig()) {
        self.grpc = grpc
        self.http = http
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case protocols }
    private enum ProtocolKeys: String, CodingKey, CaseIterable { case grpc, http }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.protocols) else { throw ConfigError.missingKey(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.protocols])) }
        let protocolsDecoder = try container.superDecoder(forKey: .protocols)
        try protocolsDecoder.rejectUnknownKeys(ProtocolKeys.self)
        let protocols = try protocolsDecoder.container(keyedBy: ProtocolKeys.self)
        grpc = try protocols.decodeSection(GRPCProtocolConfig.self, forKey: .grpc, default: GRPCProtocolConfig())
        http = try protocols.decodeSection(HTTPProtocolConfig.self, forKey: .http, default: HTTPProtocolConfig())
        if grpc == nil && http == nil {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(protocolsDecoder.codingPath), reason: "enable at least one of grpc, http")
        }
    }
}

/// `receivers.otlp.protocols.grpc`.
public struct GRPCProtocolConfig: Decodable, Sendable, Hashable {
    /// Default `127.0.0.1:4317`.
    public var endpoint = Endpoint(host: "127.0.0.1", port: 4317)
    /// The largest message accepted, after decompression. Default 4 MiB.
    public var maxRecvMsgSizeMiB = 4
    /// A connection that sends nothing for this long is closed. Default 30s.
    public var idleTimeout = ConfigDuration.seconds(30)

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint
        case maxRecvMsgSizeMiB = "max_recv_msg_size_mib"
        case idleTimeout = "idle_timeout"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(Endpoint.self, forKey: .endpoint) ?? endpoint
        maxRecvMsgSizeMiB = try c.decodeIfPresent(Int.self, forKey: .maxRecvMsgSizeMiB) ?? maxRecvMsgSizeMiB
        idleTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .idleTimeout) ?? idleTimeout
        guard (1...1024).contains(maxRecvMsgSizeMiB) else {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.maxRecvMsgSizeMiB]), reason: "must be between 1 and 1024, got \(maxRecvMsgSizeMiB)")
        }
    }
}

/// `receivers.otlp.protocols.http`.
public struct HTTPProtocolConfig: Decodable, Sendable, Hashable {
    /// Default `127.0.0.1:4318`.
    public var endpoint = Endpoint(host: "127.0.0.1", port: 4318)
    /// The largest body accepted, after decompression. Default 20 MiB.
    public var maxRequestBodySizeMiB = 20
    /// A connection idle this long is closed. Default 30s.
    public var idleTimeout = ConfigDuration.seconds(30)

    public init() {}
    init(endpoint: Endpoint) { self.endpoint = endpoint }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint
        case maxRequestBodySizeMiB = "max_request_body_size_mib"
        case idleTimeout = "idle_timeout"
    }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, defaultEndpoint: Endpoint(host: "127.0.0.1", port: 4318))
    }

    init(from decoder: any Decoder, defaultEndpoint: Endpoint) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(Endpoint.self, forKey: .endpoint) ?? defaultEndpoint
        maxRequestBodySizeMiB = try c.decodeIfPresent(Int.self, forKey: .maxRequestBodySizeMiB) ?? maxRequestBodySizeMiB
        idleTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .idleTimeout) ?? idleTimeout
        guard (1...1024).contains(maxRequestBodySizeMiB) else {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.maxRequestBodySizeMiB]), reason: "must be between 1 and 1024, got \(maxRequestBodySizeMiB)")
        }
    }
}

/// `receivers.zipkin`: Zipkin v2 JSON over HTTP. Same keys as the OTLP HTTP protocol; default endpoint `127.0.0.1:9411`.
public struct ZipkinReceiverConfig: Decodable, Sendable, Hashable {
    public var http: HTTPProtocolConfig

    public init() { http = HTTPProtocolConfig(endpoint: Endpoint(host: "127.0.0.1", port: 9411)) }

    public init(from decoder: any Decoder) throws {
        http = try HTTPProtocolConfig(from: decoder, defaultEndpoint: Endpoint(host: "127.0.0.1", port: 9411))
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional config section: absent → nil, present but empty (`grpc:`) → `defaultValue`.
    func decodeSection<T: Decodable>(_ type: T.Type, forKey key: Key, default defaultValue: T) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return defaultValue }
        return try decode(T.self, forKey: key)
    }
}
