import TrellisModel
import CoreMetrics
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import Prometheus
import Synchronization
import TrellisPipeline
import TrellisServer
import TrellisStorage

/// A running Trellis: the pipeline, the receivers' listeners and the admin listener, built
/// from a validated config. `start()` binds everything (failing with the port's config key),
/// `shutdown()` stops accepting, finishes in-flight requests, drains the pipeline and closes.
public final class TrellisService: Sendable {
    private let config: TrellisConfig
    private let logger: Logger
    private let registry = PrometheusCollectorRegistry()
    private let group: MultiThreadedEventLoopGroup
    private let health = PipelineHealth()
    private let readiness: Readiness
    private let stores: TraceStores
    private let pipelines: PipelineBuilder
    private let queryAPI: QueryAPI
    /// Which listeners stop first on shutdown: receivers, then (after the drain) the query/admin listener.
    private enum ListenerRole { case receiver, admin }
    /// One quiescing helper per bound listener.
    private let listeners = Mutex<[(role: ListenerRole, quiesce: ServerQuiescingHelper?, channel: any Channel)]>([])
    private let metrics: PrometheusMetricsFactory

    /// Opens the trace stores and builds the pipeline; throws when storage cannot be opened (the message says which file and why).
    public init(config: TrellisConfig, logger: Logger, threads: Int = System.coreCount) throws {
        self.config = config
        self.logger = logger
        metrics = PrometheusMetricsFactory(registry: registry)
        stores = try TraceStores(config, logger: logger)
        readiness = Readiness(health: health)
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        pipelines = PipelineBuilder(config, stores: stores, health: health, group: group, metrics: metrics, logger: logger)
        queryAPI = QueryAPI(reader: stores.queried, configuration: QueryConfiguration(
            bearerToken: config.query.auth?.bearerToken, defaultLimit: config.query.defaultLimit, maxLimit: config.query.maxLimit,
            timeout: .nanoseconds(config.query.timeout.nanoseconds)),
            spanMetrics: Self.liveSpanMetrics(stores, pipelines))
    }

    /// The queried archive's span metrics with the keeping connector's unflushed counts; the archive's alone without one.
    private static func liveSpanMetrics(_ stores: TraceStores, _ pipelines: PipelineBuilder) -> (any SpanMetricsReader)? {
        guard let store = stores.queried else { return nil }
        guard let connector = pipelines.archiveKeeper else { return store }
        return LiveSpanMetrics(archive: store.archive, connector: connector)
    }

    /// The Prometheus text of every metric: Trellis's own, then the spanmetrics connectors' series.
    public func renderMetrics() -> [UInt8] {
        var text = registry.emitToBuffer()
        for connector in pipelines.spanMetrics { text += Array(connector.prometheusText().utf8) }
        return text
    }

    /// Binds every listener; logs one line per listener. The service is ready when it returns.
    public func start() async throws {
        for (name, receiver) in config.receivers where config.service.receivers.contains(name) {
            let ingest = ExportIngest(consumer: pipelines.byReceiver[name]!, indexedKeys: stores.indexedKeys)
            switch receiver {
            case .otlp(let otlp):
                if let grpc = otlp.grpc {
                    try await listenGRPC("receivers.\(name).protocols.grpc", grpc, service: .otlp, what: "OTLP/gRPC", receiver: name, ingest: ingest)
                }
                if let http = otlp.http {
                    let metrics = ReceiverMetrics(identity: ReceiverIdentity(receiver: name, transport: "http"), factory: self.metrics)
                    try await listenHTTP("receivers.\(name).protocols.http", http, what: "OTLP/HTTP", as: .receiver) {
                        OTLPHTTPResponder(session: ExportSession(ingest: ingest, metrics: metrics, maxBodyBytes: http.maxRequestBodySizeMiB << 20), maxBodyBytes: http.maxRequestBodySizeMiB << 20)
                    }
                }
            case .zipkin(let zipkin):
                let metrics = ReceiverMetrics(identity: ReceiverIdentity(receiver: name, transport: "http"), factory: self.metrics)
                let http = zipkin.http
                try await listenHTTP("receivers.\(name)", http, what: "Zipkin", as: .receiver) {
                    SpanPostResponder(route: .zipkin, session: ExportSession(ingest: ingest, metrics: metrics, maxBodyBytes: http.maxRequestBodySizeMiB << 20),
                                      maxBodyBytes: http.maxRequestBodySizeMiB << 20)
                }
            case .jaeger(let jaeger):
                try await startJaeger(name, jaeger, ingest: ingest)
            }
        }
        let readiness = self.readiness
        let queryAPI = self.queryAPI
        var query = HTTPProtocolConfig()
        query.endpoint = config.query.endpoint
        query.idleTimeout = config.query.idleTimeout
        try await listenHTTP("query", query, what: "query API and admin (/api, /healthz, /readyz, /metrics)", as: .admin) {
            QueryResponder(api: queryAPI, admin: AdminResponder(readiness: readiness, renderMetrics: { [self] in renderMetrics() }))
        }
        readiness.set(true)
    }

    /// The Jaeger receiver's transports: gRPC `PostSpans`, Thrift over HTTP, compact Thrift over UDP.
    private func startJaeger(_ name: String, _ jaeger: JaegerReceiverConfig, ingest: ExportIngest) async throws {
        if let grpc = jaeger.grpc {
            try await listenGRPC("receivers.\(name).protocols.grpc", grpc, service: .jaeger, what: "Jaeger gRPC", receiver: name, ingest: ingest)
        }
        if let http = jaeger.thriftHTTP {
            let metrics = ReceiverMetrics(identity: ReceiverIdentity(receiver: name, transport: "thrift_http"), factory: self.metrics)
            let limit = http.maxRequestBodySizeMiB << 20
            try await listenHTTP("receivers.\(name).protocols.thrift_http", http, what: "Jaeger Thrift over HTTP", as: .receiver) {
                SpanPostResponder(route: .jaegerThrift, session: ExportSession(ingest: ingest, metrics: metrics, maxBodyBytes: limit), maxBodyBytes: limit)
            }
        }
        if let udp = jaeger.thriftCompact {
            let metrics = ReceiverMetrics(identity: ReceiverIdentity(receiver: name, transport: "thrift_compact"), factory: self.metrics)
            try await listen("receivers.\(name).protocols.thrift_compact", udp.endpoint, what: "Jaeger compact Thrift over UDP", as: .receiver, quiesced: false) { _ in
                try await JaegerCompactUDPServer.bind(host: udp.endpoint.host, port: udp.endpoint.port, group: self.group) {
                    ExportSession(ingest: ingest, metrics: metrics, maxBodyBytes: JaegerCompactUDPServer.maxDatagramBytes)
                }
            }
        }
    }

    private func listenGRPC(_ component: String, _ grpc: GRPCProtocolConfig, service: ExportCallHandler.Service, what: String, receiver: String,
                            ingest: ExportIngest) async throws {
        let metrics = ReceiverMetrics(identity: ReceiverIdentity(receiver: receiver, transport: "grpc"), factory: self.metrics)
        let limit = grpc.maxRecvMsgSizeMiB << 20
        var serverConfig = GRPCServerConfiguration()
        serverConfig.maxReceiveMessageBytes = limit
        serverConfig.idleTimeout = .nanoseconds(grpc.idleTimeout.nanoseconds)
        serverConfig.maxConnections = grpc.maxConnections
        serverConfig.maxConcurrentStreams = UInt32(grpc.maxConcurrentStreams)
        try await listen(component, grpc.endpoint, what: what, as: .receiver) { quiesce in
            try await GRPCServer.bind(host: grpc.endpoint.host, port: grpc.endpoint.port, group: self.group, configuration: serverConfig, quiesce: quiesce) {
                ExportCallHandler(service: service, session: ExportSession(ingest: ingest, metrics: metrics, maxBodyBytes: limit))
            }
        }
    }

    private func listenHTTP(_ component: String, _ http: HTTPProtocolConfig, what: String, as role: ListenerRole, makeResponder: @escaping @Sendable () -> any HTTPResponder) async throws {
        let configuration = HTTPServerConfiguration(idleTimeout: .nanoseconds(http.idleTimeout.nanoseconds),
                                                    readHeaderTimeout: .nanoseconds(http.readHeaderTimeout.nanoseconds),
                                                    readTimeout: .nanoseconds(http.readTimeout.nanoseconds), maxConnections: http.maxConnections)
        try await listen(component, http.endpoint, what: what, as: role) { quiesce in
            try await HTTPServer.bind(host: http.endpoint.host, port: http.endpoint.port, group: self.group, configuration: configuration, quiesce: quiesce, makeResponder: makeResponder)
        }
    }

    /// Binds one listener with its own quiescing helper, kept for shutdown once the bind succeeded.
    /// A listener without connections (UDP) is not `quiesced`: shutdown simply closes it.
    private func listen(_ component: String, _ endpoint: Endpoint, what: String, as role: ListenerRole, quiesced: Bool = true,
                        bind: (ServerQuiescingHelper?) async throws -> any Channel) async throws {
        let quiesce = quiesced ? ServerQuiescingHelper(group: group) : nil
        let channel: any Channel
        do {
            channel = try await bind(quiesce)
        } catch let error as IOError {
            throw StartupError.cannotListen(component: component, endpoint: endpoint.description, reason: Self.describe(error))
        } catch {
            throw StartupError.cannotListen(component: component, endpoint: endpoint.description, reason: "\(error)")
        }
        listeners.withLock { $0.append((role, quiesce, channel)) }
        let port = channel.localAddress?.port ?? endpoint.port
        logger.info("listening", metadata: ["component": "\(component)", "protocol": "\(what)", "address": "\(endpoint.host):\(port)"])
    }

    private static func describe(_ error: IOError) -> String {
        switch error.errnoCode {
        case EADDRINUSE: return "address already in use (is another collector running?)"
        case EADDRNOTAVAIL: return "address not available on this host"
        case EACCES: return "permission denied (ports below 1024 need privileges)"
        default: return error.description
        }
    }

    /// Stops the listeners' accepting and waits until each of their connections has closed.
    private static func quiesce(_ listeners: [(ServerQuiescingHelper?, any Channel)], group: MultiThreadedEventLoopGroup) async {
        for (quiesce, channel) in listeners {
            guard let quiesce else {
                try? await channel.close()
                continue
            }
            let closed = group.next().makePromise(of: Void.self)
            quiesce.initiateShutdown(promise: closed)
            try? await closed.futureResult.get()
            try? await channel.closeFuture.get()
        }
    }

    /// How long the pipeline may take to hand on and store what it accepted at shutdown; what is
    /// still undelivered then is counted as dropped (`reason="shutdown_timeout"`).
    public static let drainTimeout = Duration.seconds(30)

    /// Graceful stop: not ready, stop accepting, let in-flight requests finish, drain the pipeline
    /// (within `drainTimeout`), close.
    public func shutdown() async {
        readiness.set(false)
        logger.info("shutting down: no new connections, finishing in-flight requests")
        await Self.quiesce(listeners.withLock { $0.filter { $0.role == .receiver }.map { ($0.quiesce, $0.channel) } }, group: group)
        logger.info("receivers closed; draining the pipelines")
        let deadline = ContinuousClock.now + Self.drainTimeout
        for pipeline in pipelines.pipelines { await pipeline.shutdown(deadline: deadline) }
        await Self.quiesce(listeners.withLock { $0.filter { $0.role == .admin }.map { ($0.quiesce, $0.channel) } }, group: group)
        await queryAPI.shutdown()
        stores.close()
        // The quiescing helpers complete a promise on their event loop when released: release them before the loops stop.
        listeners.withLock { $0.removeAll() }
        try? await group.shutdownGracefully()
        logger.info("stopped")
    }
}
