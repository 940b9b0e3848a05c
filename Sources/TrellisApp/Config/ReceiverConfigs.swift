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

    private enum ProtocolKeys: String, CodingKey, CaseIterable { case grpc, http }

    public init(from decoder: any Decoder) throws {
        let (protocolsDecoder, protocols) = try decoder.receiverProtocols(ProtocolKeys.self)
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
    /// Open connections kept; one past it is closed at once. Default 10000.
    public var maxConnections = 10_000
    /// SETTINGS_MAX_CONCURRENT_STREAMS. Default 1000.
    public var maxConcurrentStreams = 1000

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint
        case maxRecvMsgSizeMiB = "max_recv_msg_size_mib"
        case idleTimeout = "idle_timeout"
        case maxConnections = "max_connections"
        case maxConcurrentStreams = "max_concurrent_streams"
    }

    init(endpoint: Endpoint) { self.endpoint = endpoint }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, defaultEndpoint: Endpoint(host: "127.0.0.1", port: 4317))
    }

    init(from decoder: any Decoder, defaultEndpoint: Endpoint) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(Endpoint.self, forKey: .endpoint) ?? defaultEndpoint
        maxRecvMsgSizeMiB = try c.decodeIfPresent(Int.self, forKey: .maxRecvMsgSizeMiB) ?? maxRecvMsgSizeMiB
        idleTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .idleTimeout) ?? idleTimeout
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
        maxConcurrentStreams = try c.decodeIfPresent(Int.self, forKey: .maxConcurrentStreams) ?? maxConcurrentStreams
        guard (1...1024).contains(maxRecvMsgSizeMiB) else {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.maxRecvMsgSizeMiB]), reason: "must be between 1 and 1024, got \(maxRecvMsgSizeMiB)")
        }
        try checkRange(maxConnections, 1...1_000_000, decoder, CodingKeys.maxConnections)
        try checkRange(maxConcurrentStreams, 1...100_000, decoder, CodingKeys.maxConcurrentStreams)
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
    /// A request's head must arrive within this time of its first byte (the collector's key). Default 10s.
    public var readHeaderTimeout = ConfigDuration.seconds(10)
    /// A request's body must arrive within this time of its head. Default 60s.
    public var readTimeout = ConfigDuration.seconds(60)
    /// Open connections kept; one past it is closed at once. Default 10000.
    public var maxConnections = 10_000

    public init() {}
    init(endpoint: Endpoint) { self.endpoint = endpoint }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint
        case maxRequestBodySizeMiB = "max_request_body_size_mib"
        case idleTimeout = "idle_timeout"
        case readHeaderTimeout = "read_header_timeout"
        case readTimeout = "read_timeout"
        case maxConnections = "max_connections"
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
        readHeaderTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .readHeaderTimeout) ?? readHeaderTimeout
        readTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .readTimeout) ?? readTimeout
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
        guard (1...1024).contains(maxRequestBodySizeMiB) else {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.maxRequestBodySizeMiB]), reason: "must be between 1 and 1024, got \(maxRequestBodySizeMiB)")
        }
        try checkRange(maxConnections, 1...1_000_000, decoder, CodingKeys.maxConnections)
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

/// `receivers.jaeger`: the Jaeger collector's and agent's transports, under the collector's keys.
/// Each protocol listed under `protocols` is enabled (an empty entry enables it with its defaults):
/// - `grpc` (default `127.0.0.1:14250`): `jaeger.api_v2.CollectorService/PostSpans`, the OTLP gRPC keys;
/// - `thrift_http` (default `127.0.0.1:14268`): `POST /api/traces`, the OTLP HTTP keys;
/// - `thrift_compact` (default `127.0.0.1:6831`, UDP): agent `emitBatch` datagrams; `endpoint` only.
public struct JaegerReceiverConfig: Decodable, Sendable, Hashable {
    public var grpc: GRPCProtocolConfig?
    public var thriftHTTP: HTTPProtocolConfig?
    public var thriftCompact: UDPProtocolConfig?

    static let grpcDefault = Endpoint(host: "127.0.0.1", port: 14250)
    static let thriftHTTPDefault = Endpoint(host: "127.0.0.1", port: 14268)

    private enum ProtocolKeys: String, CodingKey, CaseIterable {
        case grpc
        case thriftHTTP = "thrift_http"
        case thriftCompact = "thrift_compact"
    }

    public init(from decoder: any Decoder) throws {
        let (protocolsDecoder, protocols) = try decoder.receiverProtocols(ProtocolKeys.self)
        grpc = try protocols.decodeSection(forKey: .grpc, default: GRPCProtocolConfig(endpoint: Self.grpcDefault)) {
            try GRPCProtocolConfig(from: $0, defaultEndpoint: Self.grpcDefault)
        }
        thriftHTTP = try protocols.decodeSection(forKey: .thriftHTTP, default: HTTPProtocolConfig(endpoint: Self.thriftHTTPDefault)) {
            try HTTPProtocolConfig(from: $0, defaultEndpoint: Self.thriftHTTPDefault)
        }
        thriftCompact = try protocols.decodeSection(UDPProtocolConfig.self, forKey: .thriftCompact, default: UDPProtocolConfig())
        if grpc == nil && thriftHTTP == nil && thriftCompact == nil {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(protocolsDecoder.codingPath), reason: "enable at least one of grpc, thrift_http, thrift_compact")
        }
    }
}

/// `receivers.jaeger.protocols.thrift_compact`: a UDP listener.
public struct UDPProtocolConfig: Decodable, Sendable, Hashable {
    /// Default `127.0.0.1:6831`, the Jaeger agent's compact-Thrift port.
    public var endpoint = Endpoint(host: "127.0.0.1", port: 6831)

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable { case endpoint }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(Endpoint.self, forKey: .endpoint) ?? endpoint
    }
}

private enum ReceiverKeys: String, CodingKey, CaseIterable { case protocols }

/// Throws naming the key when `value` is outside `range`.
private func checkRange(_ value: Int, _ range: ClosedRange<Int>, _ decoder: any Decoder, _ key: some CodingKey) throws {
    guard range.contains(value) else {
        throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [key]), reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }
}

extension Decoder {
    /// A receiver's required `protocols` section (its only key), allowing only `Keys` in it.
    func receiverProtocols<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws -> (decoder: any Decoder, container: KeyedDecodingContainer<Keys>) {
        try rejectUnknownKeys(ReceiverKeys.self)
        let container = try container(keyedBy: ReceiverKeys.self)
        guard container.contains(.protocols) else { throw ConfigError.missingKey(path: ConfigPath.dotted(codingPath + [ReceiverKeys.protocols])) }
        let protocolsDecoder = try container.superDecoder(forKey: .protocols)
        try protocolsDecoder.rejectUnknownKeys(Keys.self)
        return (protocolsDecoder, try protocolsDecoder.container(keyedBy: Keys.self))
    }
}

extension KeyedDecodingContainer {
    /// `decodeSection` for a section whose decoding needs more than `init(from:)` (a default endpoint).
    func decodeSection<T>(forKey key: Key, default defaultValue: T, _ make: (any Decoder) throws -> T) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return defaultValue }
        return try make(try superDecoder(forKey: key))
    }

    /// Decodes an optional config section: absent → nil, present but empty (`grpc:`) → `defaultValue`.
    func decodeSection<T: Decodable>(_ type: T.Type, forKey key: Key, default defaultValue: T) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return defaultValue }
        return try decode(T.self, forKey: key)
    }
}
