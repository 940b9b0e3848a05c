/// Where an HTTP/1.1 connection is in reading a request, for `RequestDeadlineHandler`: which
/// deadline runs. Transitions return the deadline to start, or nil when none runs.
enum RequestReadPhase: Equatable {
    /// Between requests: no deadline (the idle timeout covers silence).
    case waiting
    /// The first byte of a request arrived; its head is being read.
    case readingHead
    /// The head arrived; the body is being read.
    case readingBody

    enum Deadline: Equatable {
        case head
        case body
    }

    /// Bytes arrived: a new request starts the head deadline.
    mutating func bytesArrived() -> Deadline? {
        guard self == .waiting else { return nil }
        self = .readingHead
        return .head
    }

    /// The HTTP handler read a head (the body deadline starts) or a whole request (back to waiting).
    mutating func advanced(by progress: RequestDeadlineHandler.Progress) -> Deadline? {
        switch progress {
        case .headReceived:
            self = .readingBody
            return .body
        case .requestReceived:
            self = .waiting
            return nil
        }
    }
}
