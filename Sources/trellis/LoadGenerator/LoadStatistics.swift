import TrellisClient
import Histogram
import Synchronization

/// What the load generator counts, shared by every sender: spans by outcome, retries, the
/// first error, and request latency in an HDR histogram (microseconds).
final class LoadStatistics: Sendable {
    struct Snapshot {
        var requests = 0
        var spansSent = 0
        var spansAccepted = 0
        var spansRefused = 0
        var spansFailed = 0
        var retries = 0
        /// Connections made again after the server closed one.
        var reconnects = 0
        var inFlight = 0
        var firstError: String?
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    /// A request is on its way; its spans count as sent on the first attempt only.
    func started(spans: Int, firstAttempt: Bool) {
        state.withLock {
            $0.inFlight += 1
            if firstAttempt { $0.spansSent += spans }
        }
    }

    /// Records a finished request of `spans` spans; refused spans count once per refusal.
    func finished(_ outcome: ExportOutcome, spans: Int, micros: UInt64) {
        state.withLock { s in
            s.inFlight -= 1
            s.requests += 1
            _ = s.latency.record(max(1, micros))
            switch outcome {
            case .accepted(let rejected, let message):
                let rejected = min(rejected, spans)
                s.spansAccepted += spans - rejected
                s.spansFailed += rejected
                if rejected > 0, s.firstError == nil {
                    s.firstError = "partial success: \(rejected) of \(spans) spans rejected" + (message.isEmpty ? "" : ": \(message)")
                }
            case .refused:
                s.spansRefused += spans
            case .failed(let message):
                s.spansFailed += spans
                if s.firstError == nil { s.firstError = message }
            }
        }
    }

    func retried() {
        state.withLock { $0.retries += 1 }
    }

    func reconnected() {
        state.withLock { $0.reconnects += 1 }
    }
}

extension LoadStatistics.Snapshot {
    /// The request and span counts, one indented line each, as the end-of-run summaries print them.
    var countLines: String {
        """
          requests        \(requests) (\(retries) retries\(reconnects > 0 ? ", \(reconnects) reconnects" : ""))
          spans sent      \(spansSent)
          accepted        \(spansAccepted)
          refused         \(spansRefused) (retryable)
          failed          \(spansFailed)\(firstError.map { " — first error: \($0)" } ?? "")
        """
    }
}
