import CoreMetrics
import Dispatch
import Logging
import NIOCore
import TrellisModel
import TrellisPipeline
import TrellisStorage

/// Builds the traces pipelines of `service.pipelines`. Each is the health gate →
/// `memory_limiter` (when listed, it must come first) → the admission queue → the other
/// processors in order → a fan-out to its exporters and connectors; a pipeline with no
/// processors hands its slices straight to its exporters (no queue: a connector-only pipeline
/// costs the receivers no hand-over, and has no health gate either: it never refuses, so a
/// request the main pipeline accepted is never refused after it). The first spanmetrics
/// connector by name that a pipeline exports to keeps its per-minute counts in the queried
/// archive; others serve /metrics only. Every buffering stage counts its bytes in one
/// `MemoryAccountant`, which the memory limiters read. A connector is built once however many
/// pipelines name it.
struct PipelineBuilder: Sendable {
    /// What each receiver hands its slices to: the pipelines that list it, `traces` first, in a
    /// fan-out that stops at the first refusal (so a counting pipeline sees only accepted spans).
    let byReceiver: [String: any SpanConsumer]
    /// Every pipeline's entry, in order, for shutdown.
    let pipelines: [any SpanConsumer]
    /// The spanmetrics connectors, whose series `/metrics` appends.
    let spanMetrics: [SpanMetricsConnector]
    /// The connector that keeps its minute counts in the queried archive, if any.
    let archiveKeeper: SpanMetricsConnector?

    /// `stores` holds the store of each `trellis_store` exporter by exporter name, as
    /// `TraceStores` opened them; the spanmetrics connectors flush into `stores.queried`'s archive.
    /// A `HealthGate` on `health` comes first: while a component reports a problem, new data is refused.
    /// `group` runs the connections of the `loadbalancing` exporters; `clock` times the spanmetrics
    /// connectors' flushes and expirations (tests pass one they move by hand).
    init(_ config: TrellisConfig, stores: TraceStores, health: PipelineHealth, group: any EventLoopGroup, metrics: any MetricsFactory, logger: Logger,
         clock: any Clock<Duration> = ContinuousClock()) {
        let accountant = MemoryAccountant()
        var connectors: [String: SpanMetricsConnector] = [:]
        // The first spanmetrics connector by name that a pipeline exports to keeps its minute counts
        // in the queried archive (the Monitor API's source).
        let exported = Set(config.service.pipelines.flatMap(\.exporters))
        let keeper = config.connectors.map(\.name).filter(exported.contains).sorted().first
        for (name, connector) in config.connectors {
            switch connector {
            case .spanMetrics(let settings):
                let archive = name == keeper ? stores.queried?.archive : nil
                // The archive's write blocks (a SQLite commit, a ClickHouse insert up to its timeout):
                // it runs on a queue of its own, never on the cooperative pool the receivers share.
                let writes = DispatchQueue(label: "trellis-spanmetrics-\(name)")
                connectors[name] = SpanMetricsConnector(name: name, config: settings, metrics: metrics, clock: clock) { minutes in
                    guard let archive else { return }
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        writes.async {
                            do {
                                try archive.writeSpanMetrics(minutes)
                            } catch {
                                logger.error("could not store span metrics in the archive", metadata: ["connector": "\(name)", "error": "\(error)"])
                            }
                            done.resume()
                        }
                    }
                }
            }
        }
        var entries: [String: any SpanConsumer] = [:]
        var ordered: [any SpanConsumer] = []
        for pipeline in config.service.pipelines {
            let entry = Self.pipeline(pipeline, config, connectors: connectors, stores: stores, accountant: accountant, health: health,
                                      group: group, metrics: metrics, logger: logger)
            entries[pipeline.name] = entry
            ordered.append(entry)
        }
        var byReceiver: [String: any SpanConsumer] = [:]
        for receiver in config.service.receivers {
            let heads = config.service.pipelines.filter { $0.receivers.contains(receiver) }.map { entries[$0.name]! }
            byReceiver[receiver] = heads.count == 1 ? heads[0] : FanOutConsumer(heads)
        }
        self.byReceiver = byReceiver
        pipelines = ordered
        spanMetrics = connectors.keys.sorted().map { connectors[$0]! }
        archiveKeeper = stores.queried == nil ? nil : keeper.flatMap { connectors[$0] }
    }

    private static func pipeline(_ pipeline: TracesPipelineConfig, _ config: TrellisConfig, connectors: [String: SpanMetricsConnector], stores: TraceStores,
                                 accountant: MemoryAccountant, health: PipelineHealth, group: any EventLoopGroup, metrics: any MetricsFactory,
                                 logger: Logger) -> any SpanConsumer {
        var exporters: [any SpanConsumer] = []
        for name in pipeline.exporters {
            if let connector = connectors[name] {
                exporters.append(connector)
                continue
            }
            switch config.exporters.first(where: { $0.name == name })!.config {
            case .nop: exporters.append(NopExporter(name: name, metrics: metrics))
            case .loadBalancing(let settings):
                exporters.append(LoadBalancingExporter(name: name, config: settings, group: group, metrics: metrics, logger: logger))
            case .trellisStore(let settings):
                exporters.append(TrellisStoreExporter(name: name, store: stores.byExporter[name]!, config: settings, metrics: metrics, logger: logger,
                                                      accountant: accountant, health: health))
            }
        }
        var chain: any SpanConsumer = exporters.count == 1 ? exporters[0] : FanOutConsumer(exporters)
        if pipeline.processors.isEmpty {
            // A pipeline that only counts never refuses: the main pipeline's gate already decided.
            return pipeline.exporters.allSatisfy { connectors[$0] != nil } ? chain : HealthGate(health: health, next: chain)
        }
        var limiter: MemoryLimiterConfig?
        for name in pipeline.processors.reversed() {
            switch config.processors.first(where: { $0.name == name })!.config {
            case .memoryLimiter(let settings): limiter = settings
            case .batch(let settings): chain = BatchProcessor(config: settings, next: chain, accountant: accountant, metrics: metrics)
            case .attributes(let settings): chain = AttributesProcessor(actions: settings.actions, target: .spans(include: settings.include, exclude: settings.exclude), indexedKeys: stores.indexedKeys, next: chain)
            case .resource(let actions): chain = AttributesProcessor(actions: actions, target: .resource, indexedKeys: stores.indexedKeys, next: chain)
            case .tailSampling(let settings): chain = TailSamplingProcessor(config: settings, next: chain, memory: accountant, metrics: metrics)
            }
        }
        chain = AdmissionQueue(capacitySpans: pipeline.queueSpans, next: chain, accountant: accountant, metrics: metrics)
        if let limiter {
            chain = MemoryLimiterProcessor(config: limiter, next: chain, accountant: accountant, metrics: metrics)
        }
        return HealthGate(health: health, next: chain)
    }
}
