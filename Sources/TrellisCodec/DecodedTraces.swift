import TrellisModel

/// The outcome of decoding one export request: the valid spans, and the spans rejected
/// on their own (bad IDs), which receivers report through OTLP partial success.
public struct DecodedTraces: Sendable {
    public var batch: TraceBatch
    public var rejections: SpanRejections
    /// Spans accepted whose IDs were written in base64 rather than the hex OTLP/JSON asks for.
    public var base64IDSpans: Int
    /// The strings the decoder repaired (invalid UTF-8 replaced by U+FFFD), as they now read;
    /// `SpanRepair` warns on the spans that hold them.
    public var repairedStrings: Set<String>

    public init(batch: TraceBatch, rejections: SpanRejections = SpanRejections(), base64IDSpans: Int = 0, repairedStrings: Set<String> = []) {
        self.batch = batch
        self.rejections = rejections
        self.base64IDSpans = base64IDSpans
        self.repairedStrings = repairedStrings
    }
}

/// Spans dropped from a request because they were invalid on their own, with the first reasons.
public struct SpanRejections: Hashable, Sendable {
    /// How many reasons are kept for the error message; the count goes on past it.
    public static let keptReasons = 5

    public private(set) var count: Int = 0
    public private(set) var reasons: [String] = []

    public init() {}

    /// Records one rejected span and why.
    public mutating func reject(_ reason: @autoclosure () -> String) {
        count += 1
        if reasons.count < Self.keptReasons { reasons.append(reason()) }
    }

    /// The message for `ExportTracePartialSuccess.error_message`; empty when nothing was rejected.
    public var message: String {
        guard count > 0 else { return "" }
        let more = count > reasons.count ? "; and \(count - reasons.count) more" : ""
        return "\(count) span(s) rejected: " + reasons.joined(separator: "; ") + more
    }
}
