import CoreMetrics
import Logging
import NIOCore
import Synchronization
import TrellisClient
import TrellisCodec
import TrellisModel
import TrellisPipeline

/// The `loadbalancing` exporter: sends each slice over OTLP/gRPC to the backend the consistent
/// hash of its routing key picks (the trace ID, so every span of a trace reaches the same
/// tail-sampling instance whichever request brought it; or the service name), the backends'
/// requests in parallel.
///
/// Acknowledges upstream only what backends acknowledged: a batch returns once every backend
/// accepted its part. Parts a backend refused retryably, or could not be sent (unreachable, no
/// answer within `timeout`), are routed again on the current ring and retried with the collector's
/// backoff (`initial_interval` growing 1.5 times up to `max_interval`, each wait ±50 %) until
/// `max_elapsed_time` (0: until shutdown); then the
/// batch is refused upstream, retryably, and its sender retries it (parts that were accepted may
/// then arrive twice: delivery is at least once). A part a backend rejects for good (a gRPC
/// status OTLP does not let a client retry, such as INVALID_ARGUMENT or RESOURCE_EXHAUSTED for a
/// message too large) is dropped and counted.
final class LoadBalancingExporter: SpanConsumer {
    private let config: LoadBalancingConfig
    private let resolver: BackendResolver
    private let connections: BackendConnections
    private let logger: Logger
    private let sent: Counter
    private let rejected: Counter
    private let retries: Counter
    private let metrics: any MetricsFactory
    private let name: String
    private let shuttingDown = Atomic<Bool>(false)

    init(name: String, config: LoadBalancingConfig, group: any EventLoopGroup, metrics: any MetricsFactory, logger: Logger) {
        self.name = name
        self.config = config
        self.logger = logger
        self.metrics = metrics
        let timeout = Duration.nanoseconds(config.timeout.nanoseconds)
        let connections = BackendConnections(group: group, pause: min(.nanoseconds(config.initialInterval.nanoseconds), .seconds(1)), connectTimeout: timeout)
        self.connections = connections
        // Connections to backends the resolver dropped are closed.
        resolver = BackendResolver(config.resolver, logger: logger) { ring in Task { await connections.retain(Set(ring.backends)) } }
        sent = Counter(label: "trellis_exporter_sent_spans_total", dimensions: [("exporter", name)], factory: metrics)
        rejected = Counter(label: "trellis_exporter_dropped_spans_total", dimensions: [("exporter", name), ("reason", "rejected_by_backend")], factory: metrics)
        retries = Counter(label: "trellis_exporter_loadbalancing_retries_total", dimensions: [("exporter", name)], factory: metrics)
    }

    /// The routing key's bytes of a slice.
    private func key(_ slice: TraceSlice) -> [UInt8] {
        switch config.routingKey {
        case .traceID: slice.traceID.bytes
        case .service: Array(slice.service.utf8)
        }
    }

    func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let clock = ContinuousClock()
        // max_elapsed_time 0 retries for as long as it takes, as in the collector (until shutdown).
        let giveUp = config.maxElapsedTime.nanoseconds == 0 ? nil : clock.now + .nanoseconds(config.maxElapsedTime.nanoseconds)
        var pending = slices
        var interval = Double(config.initialInterval.nanoseconds)
        while true {
            let ring = resolver.ring
            var parts: [String: [TraceSlice]] = [:]
            var unrouted: [TraceSlice] = []
            for slice in pending {
                if let backend = ring.backend(for: key(slice)) { parts[backend, default: []].append(slice) } else { unrouted.append(slice) }
            }
            var failures = unrouted.isEmpty ? [] : ["no backend resolved"]
            var failed = unrouted
            await withTaskGroup(of: (String, [TraceSlice], ExportOutcome).self) { group in
                for (backend, part) in parts {
                    group.addTask { (backend, part, await self.send(part, to: backend)) }
                }
                for await (backend, part, outcome) in group {
                    let spans = part.spanCount
                    switch outcome {
                    case .accepted(let rejectedSpans, _):
                        let dropped = min(max(0, rejectedSpans), spans)
                        sent.increment(by: spans - dropped)
                        if dropped > 0 { rejected.increment(by: dropped) }
                        Counter(label: "trellis_exporter_loadbalancing_backend_spans_total", dimensions: [("exporter", name), ("backend", backend)], factory: metrics)
                            .increment(by: spans - dropped)
                    case .refused:
                        failures.append("\(backend) refused retryably")
                        failed += part
                    case .failed(let reason) where reason.hasPrefix("grpc-status "):
                        // The backend answered with a status no client may retry: it will never take these spans.
                        rejected.increment(by: spans)
                        logger.error("a loadbalancing backend rejected spans for good; dropped", metadata: ["backend": "\(backend)", "reason": "\(reason)"])
                    case .failed(let reason):
                        failures.append("\(backend): \(reason)")
                        failed += part
                    }
                }
            }
            guard !failed.isEmpty else { return }
            // The collector's backoff: the interval grows 1.5 times per retry up to max_interval, each wait randomised by ±50 %.
            let wait = Duration.nanoseconds(Int64(interval * Double.random(in: 0.5...1.5)))
            guard config.retryEnabled, !shuttingDown.load(ordering: .relaxed), giveUp.map({ clock.now + wait <= $0 }) ?? true else {
                throw .unavailable(reason: "loadbalancing: " + failures.joined(separator: "; "))
            }
            retries.increment()
            try? await Task.sleep(for: wait)
            interval = min(interval * 1.5, Double(config.maxInterval.nanoseconds))
            pending = failed
        }
    }

    /// One export call of `part` to `backend`, failed after `timeout`.
    private func send(_ part: [TraceSlice], to backend: String) async -> ExportOutcome {
        let connection: GRPCClientConnection
        do {
            connection = try await connections.connection(to: backend)
        } catch {
            return .failed("cannot connect: \(error)")
        }
        let encoded = OTLPProtobufEncoder().encode(contents: part.map(\.content))
        let body = config.gzip ? Gzip.deflate(encoded) : encoded
        let timeout = Duration.nanoseconds(config.timeout.nanoseconds)
        let gzip = config.gzip
        let (outcome, timedOut) = await TimedRace.first(within: timeout, fallback: ExportOutcome.failed("no answer within \(timeout)")) { finish in
            Task { finish(await connection.export(body, gzip: gzip)) }
        }
        // A backend that does not answer in time may be hung: its connection is dropped and opened again.
        if timedOut { connection.abort(reason: "timed out") }
        return outcome
    }

    func shutdown(deadline: ContinuousClock.Instant) async {
        shuttingDown.store(true, ordering: .relaxed)
        resolver.stop()
        await connections.closeAll()
    }
}
