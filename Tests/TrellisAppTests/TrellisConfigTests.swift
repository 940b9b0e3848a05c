import Foundation
import Testing
import TrellisApp
import TrellisModel
import TrellisClickHouse
import TrellisStorage

@Suite struct TrellisConfigTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func error(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try TrellisConfig.parse(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    private let minimal = """
        receivers:
          otlp:
            protocols:
              grpc:
        exporters:
          nop: {}
        service:
          pipelines:
            traces: { receivers: [otlp], exporters: [nop] }
        """

    @Test func defaultConfigFileLoadsWithTheDocumentedListeners() throws {
        let config = try TrellisConfig.load(file: Self.repoRoot.appendingPathComponent("config/trellis.yaml").path)
        let listeners = Dictionary(uniqueKeysWithValues: config.listeners.map { ($0.component, $0.endpoint.description) })
        #expect(listeners == [
            "receivers.otlp.protocols.grpc": "127.0.0.1:4317",
            "receivers.otlp.protocols.http": "127.0.0.1:4318",
            "receivers.zipkin": "127.0.0.1:9411",
            "query": "127.0.0.1:16686",
        ])
    }

    @Test func emptyProtocolEntryEnablesItWithDefaults() throws {
        let config = try TrellisConfig.parse(minimal)
        guard case .otlp(let otlp) = config.receivers[0].config else { Issue.record("not otlp"); return }
        #expect(otlp.grpc?.endpoint.description == "127.0.0.1:4317")
        #expect(otlp.grpc?.maxRecvMsgSizeMiB == 4)
        #expect(otlp.http == nil)
        #expect(config.service.traces?.queueSpans == 65536)
    }

    @Test func jaegerProtocolsTakeTheCollectorsKeysAndDefaultPorts() throws {
        let yaml = minimal
            .replacingOccurrences(of: "receivers:\n", with: "receivers:\n  jaeger:\n    protocols:\n      grpc:\n      thrift_http: { endpoint: 127.0.0.1:24268 }\n      thrift_compact:\n")
            .replacingOccurrences(of: "receivers: [otlp]", with: "receivers: [otlp, jaeger]")
        let config = try TrellisConfig.parse(yaml)
        let listeners = Dictionary(uniqueKeysWithValues: config.listeners.map { ($0.component, $0.endpoint.description) })
        #expect(listeners["receivers.jaeger.protocols.grpc"] == "127.0.0.1:14250")
        #expect(listeners["receivers.jaeger.protocols.thrift_http"] == "127.0.0.1:24268")
        #expect(listeners["receivers.jaeger.protocols.thrift_compact"] == "127.0.0.1:6831")
        // A UDP port may share its number with a TCP listener.
        let shared = yaml.replacingOccurrences(of: "thrift_compact:\n", with: "thrift_compact: { endpoint: 127.0.0.1:24268 }\n")
        #expect(try TrellisConfig.parse(shared).listeners.filter { $0.endpoint.port == 24268 }.count == 2)
        let unknown = yaml.replacingOccurrences(of: "thrift_compact:\n", with: "thrift_binary:\n")
        guard case .unknownKey(let path, let allowed)? = error(unknown) else { Issue.record("expected unknownKey"); return }
        #expect(path == "receivers.jaeger.protocols.thrift_binary")
        #expect(allowed == ["grpc", "thrift_compact", "thrift_http"])
    }

    @Test func slowClientLimitsTakeTheirKeysAndRangesAreChecked() throws {
        let yaml = minimal.replacingOccurrences(of: "grpc:\n", with: "grpc: { max_connections: 50, max_concurrent_streams: 20 }\n      http: { read_header_timeout: 3s, read_timeout: 20s, max_connections: 7 }\n")
        guard case .otlp(let otlp) = try TrellisConfig.parse(yaml).receivers[0].config else { Issue.record("not otlp"); return }
        #expect((otlp.grpc?.maxConnections, otlp.grpc?.maxConcurrentStreams) == (50, 20))
        #expect(otlp.http?.readHeaderTimeout == .seconds(3) && otlp.http?.readTimeout == .seconds(20) && otlp.http?.maxConnections == 7)
        let zero = minimal.replacingOccurrences(of: "grpc:\n", with: "grpc: { max_concurrent_streams: 0 }\n")
        #expect(error(zero) == .invalidValue(path: "receivers.otlp.protocols.grpc.max_concurrent_streams", reason: "must be between 1 and 100000, got 0"))
    }

    @Test func unknownKeyIsNamedWithItsPath() {
        let yaml = minimal.replacingOccurrences(of: "grpc:", with: "grpc: { endpiont: 127.0.0.1:1 }")
        guard case .unknownKey(let path, let allowed)? = error(yaml) else { Issue.record("expected unknownKey"); return }
        #expect(path == "receivers.otlp.protocols.grpc.endpiont")
        #expect(allowed.contains("endpoint"))
    }

    @Test func unknownComponentTypeIsRefused() {
        let yaml = minimal.replacingOccurrences(of: "nop: {}", with: "kafka: {}")
        #expect(error(yaml) == .unknownComponent(path: "exporters.kafka", type: "kafka", known: TrellisConfig.exporterTypes))
    }

    @Test func pipelineNamingAnUndefinedComponentIsRefused() {
        let yaml = minimal.replacingOccurrences(of: "exporters: [nop]", with: "exporters: [nop, nop/2]")
        #expect(error(yaml) == .undefinedComponent(path: "service.pipelines.traces.exporters[1]", name: "nop/2"))
    }

    @Test func aClickHouseArchiveRefusesTheSQLiteKeysAndBadNames() {
        func store(_ archive: String) -> String {
            minimal.replacingOccurrences(of: "nop: {}", with: "trellis_store: { archive: \(archive) }").replacingOccurrences(of: "exporters: [nop]", with: "exporters: [trellis_store]")
        }
        #expect(error(store("{ clickhouse: { endpoint: 'http://ch:8123' } }")) == nil)
        #expect(error(store("{ path: x.db, clickhouse: { endpoint: 'http://ch:8123' } }"))
            == .invalidValue(path: "exporters.trellis_store.archive.path", reason: "applies to the SQLite archive; with archive.clickhouse leave it out"))
        #expect(error(store("{ clickhouse: { database: trellis } }")) == .missingKey(path: "exporters.trellis_store.archive.clickhouse.endpoint"))
        #expect(error(store("{ clickhouse: { endpoint: 'ch:8123' } }"))
            == .invalidValue(path: "exporters.trellis_store.archive.clickhouse.endpoint", reason: "must be an http:// or https:// URL of ClickHouse's HTTP interface, got 'ch:8123'"))
        #expect(error(store("{ clickhouse: { endpoint: 'http://ch:8123', database: 'x; DROP' } }"))
            == .invalidValue(path: "exporters.trellis_store.archive.clickhouse.database", reason: "use only letters, digits and _, not starting with a digit, got 'x; DROP'"))
        #expect(error(store("{ clickhouse: { endpoint: 'http://ch:8123', password_file: /nonexistent/password } }")).map { "\($0)" }?.contains("/nonexistent/password") == true)
    }

    @Test func aTrellisWithoutPipelinesMustNameTheStoreItQueries() {
        let queryOnly = "exporters:\n  trellis_store: { archive: { clickhouse: { endpoint: 'http://ch:8123' } } }\n"
        #expect(error(queryOnly) == .invalidValue(path: "service.pipelines.traces",
                                                  reason: "missing: a Trellis without pipelines only serves queries, so set query.storage to the trellis_store exporter it reads"))
        #expect(error(queryOnly + "query: { storage: trellis_store }") == nil)
        #expect(error(queryOnly + "query: { storage: trellis_store/other }") == .undefinedComponent(path: "query.storage", name: "trellis_store/other"))
    }

    @Test func twoListenersOnOnePortAreRefused() {
        let yaml = minimal.replacingOccurrences(of: "grpc:", with: "grpc: { endpoint: 127.0.0.1:16686 }")
        #expect(error(yaml) == .duplicateEndpoint(endpoint: "127.0.0.1:16686", first: "receivers.otlp.protocols.grpc", second: "query"))
    }

    @Test func badDurationAndEndpointNameTheirKey() {
        let duration = minimal.replacingOccurrences(of: "grpc:", with: "grpc: { idle_timeout: soon }")
        #expect(error(duration)?.description.hasPrefix("receivers.otlp.protocols.grpc.idle_timeout: 'soon' is not a duration") == true)
        let endpoint = minimal.replacingOccurrences(of: "grpc:", with: "grpc: { endpoint: localhost }")
        #expect(error(endpoint)?.description.hasPrefix("receivers.otlp.protocols.grpc.endpoint: 'localhost' is not an endpoint") == true)
    }

    @Test func environmentVariablesExpandInValues() throws {
        let yaml = minimal.replacingOccurrences(of: "grpc:", with: "grpc: { endpoint: \"${env:GRPC_ADDR}\" }")
        let config = try TrellisConfig.parse(yaml, environment: ["GRPC_ADDR": "127.0.0.1:5317"])
        #expect(config.listeners.first?.endpoint.port == 5317)
        #expect(error(yaml) == .unsetEnvironmentVariable(name: "GRPC_ADDR"))
    }

    @Test func durationsAndSizesParseTheCollectorsUnits() {
        #expect(ConfigDuration(parsing: "200ms")?.nanoseconds == 200_000_000)
        #expect(ConfigDuration(parsing: "1.5s")?.nanoseconds == 1_500_000_000)
        #expect(ConfigDuration(parsing: "168h") == ConfigDuration.seconds(168 * 3600))
        #expect(ConfigDuration(parsing: "5m")?.nanoseconds == 300_000_000_000)
        #expect(ConfigDuration(parsing: "-1s") == nil)
        #expect(ByteSize(parsing: "256MiB")?.bytes == 256 << 20)
        #expect(ByteSize(parsing: "10GiB")?.bytes == 10 << 30)
        #expect(ByteSize(parsing: "12 parsecs") == nil)
    }
}

@Suite struct ConfigExamplesTests {
    private static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/examples")

    @Test func redactionExampleBuildsItsPipeline() throws {
        let config = try TrellisConfig.load(file: Self.examples.appendingPathComponent("redaction.yaml").path)
        #expect(config.service.traces?.processors == ["memory_limiter", "attributes/redact", "resource", "batch"])
        #expect(config.processors.map(\.name).sorted() == ["attributes/redact", "batch", "memory_limiter", "resource"])
    }

    @Test func clusterExamplesBuildTheGatewayTheSamplerAndTheQueryTier() throws {
        let gateway = try TrellisConfig.load(file: Self.examples.appendingPathComponent("cluster/gateway.yaml").path)
        guard case .loadBalancing(let settings) = try #require(gateway.exporters.first).config else { Issue.record("not loadbalancing"); return }
        #expect(settings.routingKey == .traceID)
        #expect(settings.resolver == .dns(hostname: "trellis-samplers.observability.svc.cluster.local", port: 4317, interval: .seconds(5), timeout: .seconds(1)))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let passwordFile = directory.appendingPathComponent("password").path
        try "s3cret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let environment = ["CLICKHOUSE_PASSWORD_FILE": passwordFile]

        let sampler = try TrellisConfig.load(file: Self.examples.appendingPathComponent("cluster/sampler.yaml").path, environment: environment)
        #expect(sampler.service.traces?.processors == ["memory_limiter", "tail_sampling", "batch"])
        #expect(sampler.service.pipelines.map(\.name) == ["traces", "traces/spanmetrics"])
        guard case .trellisStore(let store)? = sampler.exporters.first(where: { $0.name == "trellis_store" })?.config else { Issue.record("no store"); return }
        #expect(store.clickHouse?.settings == ClickHouseSettings(endpoint: "http://clickhouse:8123", database: "trellis", cluster: "trellis",
                                                                 username: "trellis", password: "s3cret"))

        let query = try TrellisConfig.load(file: Self.examples.appendingPathComponent("cluster/query.yaml").path, environment: environment)
        #expect(query.service.pipelines.isEmpty && query.listeners.map(\.component) == ["query"])
        #expect(query.query.storage == "trellis_store")
    }

    @Test func productionTailSamplingExampleBuildsItsPipeline() throws {
        let config = try TrellisConfig.load(file: Self.examples.appendingPathComponent("tail-sampling-production.yaml").path)
        #expect(config.service.traces?.processors == ["memory_limiter", "tail_sampling", "batch"])
        guard case .tailSampling(let sampling)? = config.processors.first(where: { $0.name == "tail_sampling" })?.config else {
            Issue.record("tail_sampling is not configured")
            return
        }
        #expect(sampling.policies.count == 2)
    }

    @Test func memoryLimiterMustComeFirst() {
        let yaml = """
            receivers: { otlp: { protocols: { grpc: } } }
            processors:
              batch: {}
              memory_limiter: { limit_mib: 100 }
            exporters: { nop: {} }
            service: { pipelines: { traces: { receivers: [otlp], processors: [batch, memory_limiter], exporters: [nop] } } }
            """
        #expect(throws: ConfigError.self) { try TrellisConfig.parse(yaml) }
    }
}

@Suite struct TrellisStoreConfigTests {
    private func store(_ archive: String) throws -> TrellisStoreConfig? {
        let config = try TrellisConfig.parse("""
            receivers:
              otlp:
                protocols:
                  grpc:
            exporters:
              trellis_store: { archive: \(archive) }
            service:
              pipelines:
                traces: { receivers: [otlp], exporters: [trellis_store] }
            """, environment: [:])
        guard case .trellisStore(let store)? = config.exporters.first?.config else { return nil }
        return store
    }

    @Test func theWriteAheadLogIsOffUnlessArchiveWalIsTrue() throws {
        #expect(try store("{ path: x.db }")?.writeAheadLog == false)
        #expect(try store("{ path: x.db, wal: true }")?.writeAheadLog == true)
    }

    @Test func aWalValueThatIsNotABooleanIsRefused() {
        #expect(throws: (any Error).self) { _ = try store("{ path: x.db, wal: sometimes }") }
    }
}
