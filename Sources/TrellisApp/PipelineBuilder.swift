import CoreMetrics
import TrellisPipeline

/// Builds the traces pipeline from `service.pipelines.traces`: the admission queue, then the
/// processors in order, then a fan-out to the exporters.
enum PipelineBuilder {
    static func build(_ config: TrellisConfig, metrics: any MetricsFactory) -> AdmissionQueue {
        let exporters: [any SpanConsumer] = config.service.traces.exporters.map { name in
            switch config.exporters.first(where: { $0.name == name })!.config {
            case .nop: return NopExporter(name: name, metrics: metrics)
            }
        }
        let tail: any SpanConsumer = exporters.count == 1 ? exporters[0] : FanOutConsumer(exporters)
        return AdmissionQueue(capacitySpans: config.service.traces.queueSpans, next: tail, metrics: metrics)
    }
}
