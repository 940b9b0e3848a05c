import TrellisModel
import Foundation
import TrellisPipeline
import Yams

/// The whole configuration file, in the OpenTelemetry Collector's shape:
/// components defined under `receivers`, `processors`, `exporters` and `connectors` by
/// `type[/name]`, wired by `service.pipelines.traces[/name]`, plus Trellis's `query` listener.
public struct TrellisConfig: Decodable, Sendable {
    /// A configured receiver.
    public enum Receiver: Sendable, Hashable {
        case otlp(OTLPReceiverConfig)
        case zipkin(ZipkinReceiverConfig)
        case jaeger(JaegerReceiverConfig)
    }

    /// A configured processor.
    public enum Processor: Sendable {
        case memoryLimiter(MemoryLimiterConfig)
        case batch(BatchConfig)
        case attributes(AttributesConfig)
        case resource([AttributeAction])
        case tailSampling(TailSamplingConfig)
    }

    /// A configured exporter.
    public enum Exporter: Sendable, Hashable {
        case nop
        case trellisStore(TrellisStoreConfig)
        case loadBalancing(LoadBalancingConfig)
    }

    /// A configured connector: an exporter of a traces pipeline that turns spans into something else.
    public enum Connector: Sendable, Hashable {
        case spanMetrics(SpanMetricsConfig)
    }

    public static let receiverTypes = ["otlp", "zipkin", "jaeger"]
    public static let processorTypes = ["memory_limiter", "batch", "attributes", "resource", "tail_sampling"]
    public static let exporterTypes = ["nop", "trellis_store", "loadbalancing"]
    public static let connectorTypes = ["spanmetrics"]

    public var receivers: [(name: String, config: Receiver)]
    public var exporters: [(name: String, config: Exporter)]
    public var processors: [(name: String, config: Processor)]
    public var connectors: [(name: String, config: Connector)]
    public var service: ServiceConfig
    public var query: QueryConfig

    private enum CodingKeys: String, CodingKey, CaseIterable { case receivers, processors, exporters, connectors, service, query }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        receivers = try Self.components(c, .receivers, known: Self.receiverTypes) { type, decoder in
            switch type {
            case "otlp": return .otlp(try OTLPReceiverConfig(from: decoder))
            case "jaeger": return .jaeger(try JaegerReceiverConfig(from: decoder))
            default: return .zipkin(try Self.decodeOrDefault(decoder, ZipkinReceiverConfig()))
            }
        }
        processors = try Self.components(c, .processors, known: Self.processorTypes) { type, decoder -> Processor in
            switch type {
            case "memory_limiter": return .memoryLimiter(try MemoryLimiterConfig(from: decoder))
            case "batch": return .batch(try Self.decodeOrDefault(decoder, BatchConfig()))
            case "attributes": return .attributes(try AttributesConfig(from: decoder))
            case "tail_sampling": return .tailSampling(try TailSamplingConfig(from: decoder))
            default: return .resource(try AttributesConfig.resource(from: decoder))
            }
        }
        exporters = try Self.components(c, .exporters, known: Self.exporterTypes) { type, decoder in
            switch type {
            case "trellis_store": return .trellisStore(try Self.decodeOrDefault(decoder, TrellisStoreConfig()))
            case "loadbalancing": return .loadBalancing(try LoadBalancingConfig(from: decoder))
            default:
                try decoder.rejectUnknownKeys(NoKeys.self)
                return .nop
            }
        }
        connectors = try Self.components(c, .connectors, known: Self.connectorTypes) { _, decoder in
            .spanMetrics(try Self.decodeOrDefault(decoder, SpanMetricsConfig()))
        }
        service = try c.decodeIfPresent(ServiceConfig.self, forKey: .service) ?? ServiceConfig()
        query = try c.decodeIfPresent(QueryConfig.self, forKey: .query) ?? QueryConfig()
    }

    private enum NoKeys: String, CodingKey, CaseIterable { case none = "" }

    /// Decodes a section of components keyed by `type[/name]`, in file order.
    private static func components<T>(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, known: [String],
        make: (String, any Decoder) throws -> T
    ) throws -> [(name: String, config: T)] {
        guard c.contains(key), try !c.decodeNil(forKey: key) else { return [] }
        let section = try c.nestedContainer(keyedBy: AnyCodingKey.self, forKey: key)
        return try section.allKeys.map { componentKey in
            let name = componentKey.stringValue
            let type = String(name.split(separator: "/", maxSplits: 1).first ?? "")
            guard known.contains(type) else {
                throw ConfigError.unknownComponent(path: "\(key.stringValue).\(name)", type: type, known: known.isEmpty ? ["(none in this build)"] : known)
            }
            return (name, try make(type, try section.superDecoder(forKey: componentKey)))
        }
    }

    /// Decodes a component whose whole body may be empty (`zipkin:`), which means its defaults.
    private static func decodeOrDefault<T: Decodable>(_ decoder: any Decoder, _ defaultValue: T) throws -> T {
        if let single = try? decoder.singleValueContainer(), single.decodeNil() { return defaultValue }
        return try T(from: decoder)
    }

    /// Every listener the config opens, named by its config path; `udp` for datagram listeners
    /// (which may share a port number with a TCP one).
    public var listeners: [(component: String, endpoint: Endpoint, udp: Bool)] {
        var out: [(component: String, endpoint: Endpoint, udp: Bool)] = []
        for (name, receiver) in receivers where service.receivers.contains(name) {
            switch receiver {
            case .otlp(let otlp):
                if let grpc = otlp.grpc { out.append(("receivers.\(name).protocols.grpc", grpc.endpoint, false)) }
                if let http = otlp.http { out.append(("receivers.\(name).protocols.http", http.endpoint, false)) }
            case .zipkin(let zipkin):
                out.append(("receivers.\(name)", zipkin.http.endpoint, false))
            case .jaeger(let jaeger):
                if let grpc = jaeger.grpc { out.append(("receivers.\(name).protocols.grpc", grpc.endpoint, false)) }
                if let http = jaeger.thriftHTTP { out.append(("receivers.\(name).protocols.thrift_http", http.endpoint, false)) }
                if let udp = jaeger.thriftCompact { out.append(("receivers.\(name).protocols.thrift_compact", udp.endpoint, true)) }
            }
        }
        out.append(("query", query.endpoint, false))
        return out
    }

    /// The ring holds its bytes for as long as the process runs, and they count toward the memory
    /// limiter's soft limit; a ring of more than three quarters of it would leave the pipeline too
    /// little room to work in (and a ring past the limit would refuse every batch).
    private func checkRingFitsTheMemoryLimit(_ pipeline: TracesPipelineConfig) throws(ConfigError) {
        guard let first = pipeline.processors.first, case .memoryLimiter(let limiter)? = processors.first(where: { $0.name == first })?.config else { return }
        let soft = limiter.limits(totalMemoryBytes: ProcessMemory.availableBytes()).soft
        for name in pipeline.exporters {
            guard case .trellisStore(let store)? = exporters.first(where: { $0.name == name })?.config else { continue }
            if store.ringMaxBytes.bytes > soft / 4 * 3 {
                throw .invalidValue(path: "exporters.\(name).ring.max_bytes",
                                    reason: "the ring (\(store.ringMaxBytes.bytes >> 20) MiB) counts toward the memory limiter's soft limit (\(soft >> 20) MiB) and must stay at or below three quarters of it; lower ring.max_bytes or raise limit_mib")
            }
        }
    }

    /// Checks what decoding alone cannot: the pipelines name defined components, a pipeline exports
    /// to every connector, no two connectors' series share names, no two listeners share a port,
    /// and the ring leaves the pipeline room under the memory limit.
    public func validate() throws(ConfigError) {
        if let storage = query.storage {
            guard case .trellisStore? = exporters.first(where: { $0.name == storage })?.config else {
                throw .undefinedComponent(path: "query.storage", name: storage)
            }
        } else if service.pipelines.isEmpty {
            throw .invalidValue(path: "service.pipelines.traces", reason: "missing: a Trellis without pipelines only serves queries, so set query.storage to the trellis_store exporter it reads")
        }
        for pipeline in service.pipelines {
            let path = "service.pipelines.\(pipeline.name)"
            for (i, name) in pipeline.receivers.enumerated() where !receivers.contains(where: { $0.name == name }) {
                throw .undefinedComponent(path: "\(path).receivers[\(i)]", name: name)
            }
            for (i, name) in pipeline.processors.enumerated() where !processors.contains(where: { $0.name == name }) {
                throw .undefinedComponent(path: "\(path).processors[\(i)]", name: name)
            }
            for (i, name) in pipeline.processors.enumerated() {
                if case .memoryLimiter? = processors.first(where: { $0.name == name })?.config, i != 0 {
                    throw .invalidValue(path: "\(path).processors[\(i)]", reason: "memory_limiter must be the first processor, so it can refuse data before anything holds it")
                }
            }
            for (i, name) in pipeline.exporters.enumerated() where !exporters.contains(where: { $0.name == name }) && !connectors.contains(where: { $0.name == name }) {
                throw .undefinedComponent(path: "\(path).exporters[\(i)]", name: name)
            }
            try checkRingFitsTheMemoryLimit(pipeline)
        }
        let exported = Set(service.pipelines.flatMap(\.exporters))
        for (name, _) in connectors where !exported.contains(name) {
            throw .invalidValue(path: "connectors.\(name)",
                                reason: "no pipeline exports to it: list it in the exporters of a traces pipeline (such as traces/spanmetrics: { receivers: [otlp], exporters: [\(name)] }) or remove it")
        }
        // Namespaces as /metrics writes them (`a.b` and `a_b` are both `a_b`).
        var prefixes: [String: (name: String, namespace: String)] = [:]
        for case let (name, .spanMetrics(settings)) in connectors {
            if let other = prefixes[settings.metricPrefix] {
                throw .invalidValue(path: "connectors.\(name).namespace",
                                    reason: "'\(settings.namespace)' names its series \(settings.metricPrefix)_*, as \(other.name)'s '\(other.namespace)' does: /metrics would repeat them; give each spanmetrics connector its own namespace")
            }
            prefixes[settings.metricPrefix] = (name, settings.namespace)
        }
        var seen: [String: String] = [:]
        for listener in listeners where listener.endpoint.port != 0 {
            let key = "\(listener.udp ? "udp" : "tcp")/\(listener.endpoint.port)"
            if let first = seen[key] {
                throw .duplicateEndpoint(endpoint: listener.endpoint.description, first: first, second: listener.component)
            }
            seen[key] = listener.component
        }
    }

    /// Reads, expands `${env:NAME}`, decodes and validates a config file.
    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> TrellisConfig {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .unreadable(file: file, reason: (error as NSError).localizedDescription)
        }
        return try parse(text, environment: environment)
    }

    /// Decodes and validates config text.
    public static func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigError) -> TrellisConfig {
        let expanded = try EnvironmentExpansion.expand(text, environment: environment)
        let config: TrellisConfig
        do {
            config = try YAMLDecoder().decode(TrellisConfig.self, from: expanded)
        } catch let error as ConfigError {
            throw error
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw .invalidYAML(reason: "\(error)")
        }
        try config.validate()
        return config
    }

    private static func describe(_ error: DecodingError) -> ConfigError {
        if let underlying = error.context?.underlyingError as? ConfigError { return underlying }
        if let underlying = error.context?.underlyingError as? DecodingError { return describe(underlying) }
        switch error {
        case .keyNotFound(let key, let context):
            return .missingKey(path: ConfigPath.dotted(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            return .invalidValue(path: ConfigPath.dotted(context.codingPath), reason: "expected \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            return .invalidValue(path: ConfigPath.dotted(context.codingPath), reason: "expected \(Self.describe(type)), found nothing")
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? .invalidYAML(reason: context.debugDescription)
                : .invalidValue(path: ConfigPath.dotted(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .invalidYAML(reason: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is [String].Type: return "a list of names"
        default: return "a mapping"
        }
    }
}

private extension DecodingError {
    var context: Context? {
        switch self {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context
        @unknown default:
            return nil
        }
    }
}
