/// How one export request ended, as the load generator counts it.
enum ExportOutcome: Sendable {
    /// Accepted; `rejectedSpans` came back as partial success.
    case accepted(rejectedSpans: Int)
    /// Refused retryably (gRPC UNAVAILABLE/RESOURCE_EXHAUSTED, HTTP 429/502/503/504).
    case refused(retryAfterSeconds: Int?)
    /// Failed for good, with what the server or the connection said.
    case failed(String)

    /// `partial_success.rejected_spans` from an `ExportTraceServiceResponse` protobuf body.
    static func rejectedSpans(inProtobuf body: [UInt8]) -> Int {
        // field 1 (partial_success, length-delimited) { field 1 (rejected_spans, varint) }
        guard body.count >= 4, body[0] == 0x0A else { return 0 }
        var i = 2
        while i < body.count {
            let tag = body[i]
            i += 1
            if tag == 0x08 {
                var value = 0, shift = 0
                while i < body.count {
                    let byte = body[i]
                    i += 1
                    value |= Int(byte & 0x7F) << shift
                    if byte & 0x80 == 0 { return value }
                    shift += 7
                }
            }
            return 0
        }
        return 0
    }
}
