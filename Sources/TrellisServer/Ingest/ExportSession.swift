import NIOCore
import TrellisCodec

/// The whole export path for one connection, shared by every receiver: decode the body
/// (with the connection's decoder), hand the spans to the pipeline, count the outcome.
/// Receivers only map the outcome onto their own status codes.
public final class ExportSession {
    private let ingest: ExportIngest
    public let metrics: ReceiverMetrics
    private let decoder: ExportDecoder

    public init(ingest: ExportIngest, metrics: ReceiverMetrics, maxBodyBytes: Int) {
        self.ingest = ingest
        self.metrics = metrics
        decoder = ExportDecoder(maxBodyBytes: maxBodyBytes)
    }

    /// Decodes on the calling (event loop) thread, then submits; the future completes on `eventLoop`
    /// with the spans rejected individually, or the failure to report.
    public func export(_ body: [UInt8], format: ExportFormat, gzip: Bool, on eventLoop: any EventLoop) -> EventLoopFuture<Result<SpanRejections, ExportFailure>> {
        metrics.receivedBytes.increment(by: body.count)
        let decoded: DecodedTraces
        do {
            decoded = try decoder.decode(body, format: format, gzip: gzip)
        } catch {
            ingest.record(error, metrics: metrics)
            return eventLoop.makeSucceededFuture(.failure(error))
        }
        let ingest = self.ingest
        let metrics = self.metrics
        return eventLoop.makeFutureWithTask {
            do throws(ExportFailure) {
                return .success(try await ingest.submit(decoded, metrics: metrics))
            } catch {
                return .failure(error)
            }
        }
    }
}
