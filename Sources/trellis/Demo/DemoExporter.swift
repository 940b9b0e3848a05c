import Synchronization
import TrellisCodec
import TrellisModel

/// One service's agent exporting, on its own connection: spans queue up as their requests end
/// and leave in batches every `interval`, at most `maxBatch` spans a request, like the SDKs'
/// batch span processor (with a shorter delay than its 5 s default, so a demo shows up at once).
final class DemoExporter: Sendable {
    static let interval = Duration.seconds(1)
    static let maxBatch = 512

    let service: DemoService
    private let connection: OTLPConnection
    private let json: Bool
    private let pending = Mutex<[DemoSpan]>([])

    init(service: DemoService, connection: OTLPConnection, json: Bool) {
        self.service = service
        self.connection = connection
        self.json = json
    }

    /// Queues this service's spans of a finished request.
    func enqueue(_ spans: [DemoSpan]) {
        pending.withLock { $0.append(contentsOf: spans) }
    }

    /// Exports what has queued every `interval` until `deadline`.
    func run(until deadline: ContinuousClock.Instant, statistics: LoadStatistics, cutoff: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            try? await Task.sleep(until: min(.now + Self.interval, deadline), clock: .continuous)
            await flush(statistics: statistics, cutoff: cutoff)
        }
    }

    /// Exports everything queued, retrying refusals until `cutoff`.
    func flush(statistics: LoadStatistics, cutoff: ContinuousClock.Instant) async {
        let spans = pending.withLock { queued -> [DemoSpan] in
            defer { queued.removeAll() }
            return queued
        }
        for start in stride(from: 0, to: spans.count, by: Self.maxBatch) {
            let batch = TraceBatch(demoSpans: Array(spans[start..<min(start + Self.maxBatch, spans.count)]))
            let body = json ? OTLPJSONEncoder().encode(batch) : OTLPProtobufEncoder().encode(batch)
            _ = await connection.exportRetrying(body, spans: batch.spanCount, gzip: false, statistics: statistics, until: cutoff)
        }
    }

    /// Fails the export in flight with `reason` and closes the connection.
    func abort(reason: String) {
        connection.abort(reason: reason)
    }

    func close() async {
        await connection.close()
    }
}
