/// Trace and span IDs as OTLP/JSON senders write them. The OTLP JSON mapping says hex, but the
/// plain proto3 JSON mapping writes `bytes` fields in base64, and some exporters follow it
/// (swift-otel 1.6.0's OTLP/JSON exporter, for one). The two cannot be confused by length: an
/// ID of `bytes` bytes is `2 × bytes` hex digits (32 or 16), and in base64 it is 24 or 12
/// characters with padding, 22 or 11 without, lengths that are never a valid hex ID.
enum JSONIdentifierText {
    /// The ID as hex: hex text is returned as it is; text of base64 length that decodes to
    /// exactly `bytes` bytes is converted (`wasBase64`); anything else is returned unchanged,
    /// for the hex checks to reject with their precise reason.
    static func hex(_ text: String, bytes: Int) -> (hex: String, wasBase64: Bool) {
        let padded = (bytes + 2) / 3 * 4
        let unpadded = (bytes * 4 + 2) / 3
        let length = text.utf8.count
        guard length == padded || length == unpadded, let decoded = OTLPJSONDecoder.base64Decode(text), decoded.count == bytes else {
            return (text, false)
        }
        return (decoded.map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined(), true)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
