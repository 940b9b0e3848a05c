/// Follows HTTP/2 frame boundaries in a connection's inbound bytes (the 24-byte client preface,
/// then frames of a 9-byte header and the payload length it gives), so the server can tell a read
/// that ends inside a frame from one that ends between frames. A frame trickled a byte at a time
/// (slowloris on HTTP/2) stays "inside" until the frame deadline cuts it; nghttp2 only reports
/// whole frames.
struct HTTP2FrameBoundaries {
    private var prefaceLeft = 24
    private var header: [UInt8] = []
    private var payloadLeft = 0

    /// Consumes one read's bytes; returns true when they end inside the preface or a frame.
    mutating func consume(_ count: Int, bytes: UnsafeRawBufferPointer) -> Bool {
        var at = 0
        while at < count {
            if prefaceLeft > 0 {
                let taken = min(prefaceLeft, count - at)
                prefaceLeft -= taken
                at += taken
            } else if payloadLeft > 0 {
                let taken = min(payloadLeft, count - at)
                payloadLeft -= taken
                at += taken
            } else {
                header.append(bytes[at])
                at += 1
                if header.count == 9 {
                    payloadLeft = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
                    header.removeAll(keepingCapacity: true)
                }
            }
        }
        return prefaceLeft > 0 && prefaceLeft < 24 || !header.isEmpty || payloadLeft > 0
    }
}
