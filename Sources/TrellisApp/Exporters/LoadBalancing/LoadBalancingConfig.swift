import TrellisModel

/// `exporters.loadbalancing`, with the OpenTelemetry Collector's keys: spans go over OTLP/gRPC to
/// the backend a consistent hash of their routing key picks among those the resolver names.
///
/// ```yaml
/// loadbalancing:
///   routing_key: traceID            # or service
///   protocol:
///     otlp: { timeout: 10s, compression: gzip, tls: { insecure: true },
///             retry_on_failure: { enabled: true, initial_interval: 5s, max_interval: 30s, max_elapsed_time: 300s } }
///   resolver:
///     static: { hostnames: [sampler-1:4317, sampler-2] }   # no port: 4317
///     # or dns: { hostname: samplers.example, port: 4317, interval: 5s, timeout: 1s }
/// ```
/// Trellis speaks plain h2c to its backends: `tls.insecure` must be true (or `tls` left out).
public struct LoadBalancingConfig: Decodable, Sendable, Hashable {
    public enum RoutingKey: String, Sendable, Hashable {
        case traceID
        case service
    }

    public enum Resolver: Sendable, Hashable {
        case fixed(hostnames: [Endpoint])
        case dns(hostname: String, port: Int, interval: ConfigDuration, timeout: ConfigDuration)
    }

    public var routingKey = RoutingKey.traceID
    public var resolver: Resolver
    /// `protocol.otlp.timeout`: one export call's deadline. Default 10s.
    public var timeout = ConfigDuration.seconds(10)
    /// `protocol.otlp.compression`: `gzip` (default) or `none`.
    public var gzip = true
    /// `protocol.otlp.retry_on_failure`: retries of a refused or unreachable backend.
    public var retryEnabled = true
    public var initialInterval = ConfigDuration.seconds(5)
    public var maxInterval = ConfigDuration.seconds(30)
    /// How long one batch is retried before it is refused upstream (retryably); 0 retries until
    /// shutdown, as in the collector. Default 300s.
    public var maxElapsedTime = ConfigDuration.seconds(300)

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case routingKey = "routing_key"
        case `protocol`, resolver
    }
    private enum ProtocolKeys: String, CodingKey, CaseIterable { case otlp }
    private enum OTLPKeys: String, CodingKey, CaseIterable {
        case timeout, compression, tls, endpoint
        case retryOnFailure = "retry_on_failure"
    }
    private enum TLSKeys: String, CodingKey, CaseIterable { case insecure }
    private enum RetryKeys: String, CodingKey, CaseIterable {
        case enabled
        case initialInterval = "initial_interval"
        case maxInterval = "max_interval"
        case maxElapsedTime = "max_elapsed_time"
    }
    private enum ResolverKeys: String, CodingKey, CaseIterable {
        case `static`, dns
    }
    private enum StaticKeys: String, CodingKey, CaseIterable { case hostnames }
    private enum DNSKeys: String, CodingKey, CaseIterable { case hostname, port, interval, timeout }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = ConfigPath.dotted(decoder.codingPath)
        if let key = try c.decodeIfPresent(String.self, forKey: .routingKey) {
            guard let parsed = RoutingKey(rawValue: key) else {
                throw ConfigError.invalidValue(path: path + ".routing_key", reason: "must be traceID or service, got '\(key)'")
            }
            routingKey = parsed
        }
        if c.contains(.protocol) {
            let proto = try c.superDecoder(forKey: .protocol)
            try proto.rejectUnknownKeys(ProtocolKeys.self)
            let otlp = try proto.container(keyedBy: ProtocolKeys.self).superDecoder(forKey: .otlp)
            try otlp.rejectUnknownKeys(OTLPKeys.self)
            let o = try otlp.container(keyedBy: OTLPKeys.self)
            timeout = try o.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? timeout
            if let compression = try o.decodeIfPresent(String.self, forKey: .compression) {
                guard compression == "gzip" || compression == "none" else {
                    throw ConfigError.invalidValue(path: path + ".protocol.otlp.compression", reason: "must be gzip or none, got '\(compression)'")
                }
                gzip = compression == "gzip"
            }
            if o.contains(.tls) {
                let tls = try o.superDecoder(forKey: .tls)
                try tls.rejectUnknownKeys(TLSKeys.self)
                guard try tls.container(keyedBy: TLSKeys.self).decodeIfPresent(Bool.self, forKey: .insecure) ?? false else {
                    throw ConfigError.invalidValue(path: path + ".protocol.otlp.tls.insecure",
                                                   reason: "must be true: Trellis sends OTLP/gRPC to its backends as plain h2c")
                }
            }
            if o.contains(.endpoint) {
                throw ConfigError.invalidValue(path: path + ".protocol.otlp.endpoint", reason: "the resolver names the backends; leave the endpoint out")
            }
            if o.contains(.retryOnFailure) {
                let retry = try o.superDecoder(forKey: .retryOnFailure)
                try retry.rejectUnknownKeys(RetryKeys.self)
                let r = try retry.container(keyedBy: RetryKeys.self)
                retryEnabled = try r.decodeIfPresent(Bool.self, forKey: .enabled) ?? retryEnabled
                initialInterval = try r.decodeIfPresent(ConfigDuration.self, forKey: .initialInterval) ?? initialInterval
                maxInterval = try r.decodeIfPresent(ConfigDuration.self, forKey: .maxInterval) ?? maxInterval
                maxElapsedTime = try r.decodeIfPresent(ConfigDuration.self, forKey: .maxElapsedTime) ?? maxElapsedTime
            }
        }
        guard c.contains(.resolver) else { throw ConfigError.missingKey(path: path + ".resolver") }
        let resolverDecoder = try c.superDecoder(forKey: .resolver)
        try resolverDecoder.rejectUnknownKeys(ResolverKeys.self)
        let r = try resolverDecoder.container(keyedBy: ResolverKeys.self)
        switch (r.contains(.static), r.contains(.dns)) {
        case (true, false):
            let fixed = try r.superDecoder(forKey: .static)
            try fixed.rejectUnknownKeys(StaticKeys.self)
            // As in the collector, a hostname without a port means OTLP/gRPC's 4317.
            let texts = try fixed.container(keyedBy: StaticKeys.self).decode([String].self, forKey: .hostnames)
            let hostnames = try texts.enumerated().map { i, text -> Endpoint in
                let withPort = text.hasSuffix("]") || !text.contains(":") ? text + ":4317" : text
                guard let endpoint = Endpoint(parsing: withPort), !endpoint.host.isEmpty, text.first != ":" else {
                    throw ConfigError.invalidValue(path: path + ".resolver.static.hostnames[\(i)]", reason: "'\(text)' is not host or host:port")
                }
                return endpoint
            }
            guard !hostnames.isEmpty else { throw ConfigError.invalidValue(path: path + ".resolver.static.hostnames", reason: "name at least one backend") }
            resolver = .fixed(hostnames: hostnames)
        case (false, true):
            let dns = try r.superDecoder(forKey: .dns)
            try dns.rejectUnknownKeys(DNSKeys.self)
            let d = try dns.container(keyedBy: DNSKeys.self)
            let hostname = try d.decode(String.self, forKey: .hostname)
            let port = try d.decodeIfPresent(Int.self, forKey: .port) ?? 4317
            guard !hostname.isEmpty else { throw ConfigError.invalidValue(path: path + ".resolver.dns.hostname", reason: "must not be empty") }
            guard (1...65535).contains(port) else { throw ConfigError.invalidValue(path: path + ".resolver.dns.port", reason: "must be 1 to 65535, got \(port)") }
            resolver = .dns(hostname: hostname, port: port, interval: try d.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? .seconds(5),
                            timeout: try d.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? .seconds(1))
        default:
            throw ConfigError.invalidValue(path: path + ".resolver", reason: "configure exactly one of static and dns")
        }
        try validate(path: path)
    }

    private func validate(path: String) throws(ConfigError) {
        for (key, value) in [("protocol.otlp.timeout", timeout), ("protocol.otlp.retry_on_failure.initial_interval", initialInterval),
                             ("protocol.otlp.retry_on_failure.max_interval", maxInterval)] where value.nanoseconds <= 0 {
            throw .invalidValue(path: "\(path).\(key)", reason: "must be above zero")
        }
        if maxElapsedTime.nanoseconds < 0 { throw .invalidValue(path: path + ".protocol.otlp.retry_on_failure.max_elapsed_time", reason: "must not be negative") }
        if case .dns(_, _, let interval, let timeout) = resolver, interval.nanoseconds <= 0 || timeout.nanoseconds <= 0 {
            throw .invalidValue(path: path + ".resolver.dns", reason: "interval and timeout must be above zero")
        }
    }
}
