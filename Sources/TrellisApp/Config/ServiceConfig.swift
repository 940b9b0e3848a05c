import TrellisModel
/// `service`: which components form the traces pipeline.
public struct ServiceConfig: Decodable, Sendable, Hashable {
    public var traces: TracesPipelineConfig

    private enum CodingKeys: String, CodingKey, CaseIterable { case pipelines }
    private enum PipelineKeys: String, CodingKey, CaseIterable { case traces }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let pipelines = try c.superDecoder(forKey: .pipelines)
        try pipelines.rejectUnknownKeys(PipelineKeys.self)
        traces = try pipelines.container(keyedBy: PipelineKeys.self).decode(TracesPipelineConfig.self, forKey: .traces)
    }
}

/// `service.pipelines.traces`: receivers → processors (in order) → exporters.
public struct TracesPipelineConfig: Decodable, Sendable, Hashable {
    public var receivers: [String]
    public var processors: [String]
    public var exporters: [String]
    /// The admission queue in front of the processors, in spans. Default 65536.
    public var queueSpans: Int

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case receivers, processors, exporters
        case queueSpans = "queue_spans"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        receivers = try c.decode([String].self, forKey: .receivers)
        processors = try c.decodeIfPresent([String].self, forKey: .processors) ?? []
        exporters = try c.decode([String].self, forKey: .exporters)
        queueSpans = try c.decodeIfPresent(Int.self, forKey: .queueSpans) ?? 65536
        let path = ConfigPath.dotted(decoder.codingPath)
        if receivers.isEmpty { throw ConfigError.invalidValue(path: path + ".receivers", reason: "name at least one receiver") }
        if exporters.isEmpty { throw ConfigError.invalidValue(path: path + ".exporters", reason: "name at least one exporter") }
        if queueSpans < 1 { throw ConfigError.invalidValue(path: path + ".queue_spans", reason: "must be at least 1, got \(queueSpans)") }
    }
}

/// `query`: the query API and admin listener (`/api`, `/healthz`, `/readyz`, `/metrics`).
public struct QueryConfig: Decodable, Sendable, Hashable {
    /// Default `127.0.0.1:16686`.
    public var endpoint = Endpoint(host: "127.0.0.1", port: 16686)
    public var idleTimeout = ConfigDuration.seconds(30)
    /// `auth`: when set, every `/api` request needs this bearer token. Default none (open).
    public var auth: QueryAuthConfig?
    /// Traces a search returns when it names no limit. Default 20 (Jaeger's UI default).
    public var defaultLimit = 20
    /// The most traces one search returns; larger limits are lowered to it. Default 1000.
    public var maxLimit = 1000
    /// A query running longer is answered with 503. Default 10s.
    public var timeout = ConfigDuration.seconds(10)

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, auth, timeout
        case idleTimeout = "idle_timeout"
        case defaultLimit = "default_limit"
        case maxLimit = "max_limit"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(Endpoint.self, forKey: .endpoint) ?? endpoint
        idleTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .idleTimeout) ?? idleTimeout
        auth = try c.decodeIfPresent(QueryAuthConfig.self, forKey: .auth)
        maxLimit = try c.decodeIfPresent(Int.self, forKey: .maxLimit) ?? maxLimit
        defaultLimit = try c.decodeIfPresent(Int.self, forKey: .defaultLimit) ?? defaultLimit
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? timeout
        let path = ConfigPath.dotted(decoder.codingPath)
        guard (1...100_000).contains(maxLimit) else {
            throw ConfigError.invalidValue(path: path + ".max_limit", reason: "must be between 1 and 100000, got \(maxLimit)")
        }
        guard (1...maxLimit).contains(defaultLimit) else {
            throw ConfigError.invalidValue(path: path + ".default_limit", reason: "must be between 1 and max_limit (\(maxLimit)), got \(defaultLimit)")
        }
        guard timeout.nanoseconds > 0 else {
            throw ConfigError.invalidValue(path: path + ".timeout", reason: "must be above zero")
        }
    }
}
