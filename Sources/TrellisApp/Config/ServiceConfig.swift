import TrellisModel
/// `service.pipelines`: the traces pipelines. `traces` is required when there are any; more are
/// named `traces/<name>` (a pipeline that feeds the `spanmetrics` connector before sampling, say).
/// A receiver listed by several pipelines hands each request to each of them in order, stopping
/// at the first refusal. A Trellis with none only serves queries (`query.storage`).
public struct ServiceConfig: Decodable, Sendable, Hashable {
    /// Every pipeline: `traces` first, then the others by name.
    public var pipelines: [TracesPipelineConfig]

    /// `service.pipelines.traces`, the main pipeline (the query API reads its first store); nil in a query-only Trellis.
    public var traces: TracesPipelineConfig? { pipelines.first }

    public init(pipelines: [TracesPipelineConfig] = []) {
        self.pipelines = pipelines
    }

    /// The receivers any pipeline lists, each once, in order of first mention.
    public var receivers: [String] {
        var seen: Set<String> = []
        return pipelines.flatMap(\.receivers).filter { seen.insert($0).inserted }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case pipelines }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.pipelines), try !c.decodeNil(forKey: .pipelines) else {
            pipelines = []
            return
        }
        let section = try c.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .pipelines)
        var found: [TracesPipelineConfig] = []
        for key in section.allKeys {
            let name = key.stringValue
            guard name == "traces" || (name.hasPrefix("traces/") && name.count > "traces/".count) else {
                throw ConfigError.invalidValue(path: "service.pipelines.\(name)",
                                               reason: "Trellis runs traces pipelines only: name them traces or traces/<name> (the spanmetrics connector's series are served on /metrics, with no metrics pipeline)")
            }
            var pipeline = try section.decode(TracesPipelineConfig.self, forKey: key)
            pipeline.name = name
            found.append(pipeline)
        }
        guard found.isEmpty || found.contains(where: { $0.name == "traces" }) else { throw ConfigError.missingKey(path: "service.pipelines.traces") }
        pipelines = found.sorted { $0.name == "traces" || ($1.name != "traces" && $0.name < $1.name) }
    }
}

/// `service.pipelines.traces[/name]`: receivers → processors (in order) → exporters (or connectors).
public struct TracesPipelineConfig: Decodable, Sendable, Hashable {
    /// `traces` or `traces/<name>`: the key it was configured under.
    public var name = "traces"
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
    /// `storage`: the `trellis_store` exporter whose store the query API reads, opened even when
    /// no pipeline writes to it (a query-only Trellis reading a shared ClickHouse archive).
    /// Default: the first `trellis_store` exporter of the `traces` pipeline.
    public var storage: String?

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, auth, timeout, storage
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
        storage = try c.decodeIfPresent(String.self, forKey: .storage)
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
