import CoreMetrics
import Logging
import TrellisPipeline
import TrellisStorage

/// Builds the traces pipeline from `service.pipelines.traces`: the health gate →
/// `memory_limiter` (when listed, it must come first) → the admission queue → the other
/// processors in order → a fan-out to the exporters. Every buffering stage counts its bytes
/// in one `MemoryAccountant`, which the memory limiter reads.
enum PipelineBuilder {
    /// Returns the pipeline's entry point. `stores` holds the store of each `trellis_store`
    /// exporter of the pipeline, by exporter name, as `TraceStores` opened them.
    /// A `HealthGate` on `health` comes first: while a component reports a problem, new data is refused.
    static func build(_ config: TrellisConfig, stores: TraceStores, health: PipelineHealth, metrics: any MetricsFactory, logger: Logger) -> any SpanConsumer {
        let accountant = MemoryAccountant()
        let pipeline = config.service.traces
        var exporters: [any SpanConsumer] = []
        for name in pipeline.exporters {
            switch config.exporters.first(where: { $0.name == name })!.config {
            case .nop: exporters.append(NopExporter(name: name, metrics: metrics))
            case .trellisStore(let settings):
                exporters.append(TrellisStoreExporter(name: name, store: stores.byExporter[name]!, config: settings, metrics: metrics, logger: logger,
                                                      accountant: accountant, health: health))
            }
        }
        var chain: any SpanConsumer = exporters.count == 1 ? exporters[0] : FanOutConsumer(exporters)
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
