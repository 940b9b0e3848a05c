import CNGHTTP2
import NIOCore

/// Serves gRPC unary calls on one h2c connection (prior knowledge) with libnghttp2:
/// inbound bytes go to `nghttp2_session_mem_recv`, nghttp2's output is written back after
/// every read batch and every response. Each request stream is collected, unframed and
/// handed to the connection's `GRPCCallHandler`; its answer goes out as HEADERS, one DATA
/// frame and `grpc-status`/`grpc-message` trailers (or trailers only for errors).
///
/// Lifecycle: an `IdleStateHandler.IdleStateEvent` with no call in flight closes the
/// connection (GOAWAY first once the preface was seen); a frame still incomplete
/// `readHeaderTimeout` after its first byte closes it too, and a request stream not ended
/// `readTimeout` after its HEADERS is answered DEADLINE_EXCEEDED and reset; `ChannelShouldQuiesceEvent` (from
/// `ServerQuiescingHelper`) sends a shutdown-notice GOAWAY and a PING, then the final GOAWAY
/// naming the last stream it will serve, lets in-flight calls finish and closes. Protocol
/// errors close the connection after nghttp2's GOAWAY is flushed.
///
/// The handler, its nghttp2 session and the call handler are confined to the channel's
/// event loop; nghttp2 reaches the handler through `user_data` (an unretained pointer: the
/// handler owns and outlives the session).
final class GRPCServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where a graceful shutdown stands.
    enum Drain {
        case serving
        /// The shutdown notice (GOAWAY with the largest stream id) and a PING went out.
        case noticeSent
        /// The final GOAWAY went out: no new streams; close once the last one ends.
        case finalSent
    }

    let configuration: GRPCServerConfiguration
    let calls: any GRPCCallHandler
    var session: OpaquePointer!
    var streams: [Int32: GRPCStream] = [:]
    var context: ChannelHandlerContext?
    /// Set when the first frame arrived, i.e. the client preface was accepted.
    var sawPreface = false
    var drain = Drain.serving
    var closed = false
    private var frames = HTTP2FrameBoundaries()
    /// Closes the connection when a frame started arriving `readHeaderTimeout` ago and is still incomplete.
    private var frameDeadline: Scheduled<Void>?

    init(configuration: GRPCServerConfiguration, calls: any GRPCCallHandler) {
        self.configuration = configuration
        self.calls = calls
    }

    deinit {
        if session != nil { nghttp2_session_del(session) }
    }

    // MARK: channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        session = makeServerSession(userData: Unmanaged.passUnretained(self).toOpaque())
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: configuration.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: configuration.initialWindowSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: 1 << 20),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, configuration.connectionWindowSize)
        if context.channel.isActive { flush() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let buffer = unwrapInboundIn(data)
        let (consumed, insideFrame) = buffer.withUnsafeReadableBytes { raw in
            (nghttp2_session_mem_recv(session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count), frames.consume(raw.count, bytes: raw))
        }
        if !insideFrame {
            frameDeadline?.cancel()
            frameDeadline = nil
        } else if frameDeadline == nil {
            frameDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: configuration.readHeaderTimeout) { [weak self] in
                self?.flush()
                self?.close()
            }
        }
        if consumed < 0 {
            // Not HTTP/2 (a bad preface) or a fatal protocol error: send whatever nghttp2
            // queued (a GOAWAY when it got that far) and hang up.
            flush()
            close()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        frameDeadline?.cancel()
        for stream in streams.values { stream.deadline?.cancel() }
        streams.removeAll()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // Idle with calls in flight means the application is still working: keep waiting.
            guard streams.isEmpty else { return }
            if sawPreface { submitFinalGoAway() }
            flush()
            close()
        } else if event is ChannelShouldQuiesceEvent {
            startDraining()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close()
    }

    // MARK: output and lifecycle

    /// Writes nghttp2's pending output; closes the connection when nghttp2 is done with it
    /// (after a GOAWAY for a protocol error) or when draining finished.
    func flush() {
        guard let context, !closed, session != nil else { return }
        NGHTTP2Output.send(session, to: context)
        let drained = drain == .finalSent && streams.isEmpty
        if drained || (nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0) {
            close()
        }
    }

    /// Graceful shutdown, step one: a GOAWAY that announces the end without refusing
    /// anything yet, and a PING whose acknowledgement proves the client saw it.
    private func startDraining() {
        guard drain == .serving, !closed, let context else { return }
        guard sawPreface, !streams.isEmpty || nghttp2_session_get_last_proc_stream_id(session) > 0 else {
            // Nothing was ever asked on this connection: no notice round trip needed.
            submitFinalGoAway()
            flush()
            close()
            return
        }
        drain = .noticeSent
        nghttp2_submit_shutdown_notice(session)
        nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
        flush()
        context.eventLoop.assumeIsolated().scheduleTask(in: configuration.shutdownNoticeTimeout) { [weak self] in
            self?.noticeAcknowledged()
        }
    }

    /// Graceful shutdown, step two (PING acknowledged or timed out): the final GOAWAY.
    func noticeAcknowledged() {
        guard drain == .noticeSent, !closed else { return }
        submitFinalGoAway()
        flush()
    }

    private func submitFinalGoAway() {
        drain = .finalSent
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
                              UInt32(NGHTTP2_NO_ERROR.rawValue), nil, 0)
    }

    func close() {
        guard !closed, let context else { return }
        closed = true
        context.close(promise: nil)
    }
}
