import CNGHTTP2
import NIOCore

/// Moves what a libnghttp2 session wants to send into a NIO channel: every chunk from
/// `nghttp2_session_mem_send` is copied at once (it is valid only until the next call).
public enum NGHTTP2Output {
    /// Writes all pending output and flushes; returns whether anything was written.
    @discardableResult
    public static func send(_ session: OpaquePointer, to context: ChannelHandlerContext) -> Bool {
        var wrote = false
        while true {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            guard length > 0, let chunk else { break }
            context.write(NIOAny(context.channel.allocator.buffer(bytes: UnsafeRawBufferPointer(start: chunk, count: length))), promise: nil)
            wrote = true
        }
        if wrote { context.flush() }
        return wrote
    }
}
