import CNGHTTP2
import NIOCore

/// Serves gRPC unary calls on one h2c connection (prior knowledge) with libnghttp2:
/// inbound bytes go to `nghttp2_session_mem_recv`, nghttp2's output is written back after
/// every read batch and every response. Each request stream is collected, unframed and
/// handed to the connection's `GRPCCallHandler`; its answer goes out as HEADERS, one DATA
/// frame and `grpc-status`/`grpc-message` trailers (or trailers only for errors).
/// Quiescing sends GOAWAY, lets in-flight calls finish, then closes.
final class GRPCServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let configuration: GRPCServerConfiguration
    private let calls: any GRPCCallHandler
    private var session: OpaquePointer!
    private var streams: [Int32: GRPCStream] = [:]
    private var context: ChannelHandlerContext?
    private var draining = false
    private var closed = false

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
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
            let handler = GRPCServerHandler.from(user)
            let id = frame!.pointee.hd.stream_id
            handler.streams[id] = GRPCStream(id: id)
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            let handler = GRPCServerHandler.from(user)
            guard let stream = handler.streams[frame!.pointee.hd.stream_id] else { return 0 }
            let key = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let text = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            switch key {
            case ":method": stream.method = text
            case ":path": stream.path = text
            case "content-type": stream.contentType = text
            case "grpc-encoding": stream.encoding = text
            default: break
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            GRPCServerHandler.from(user).receive(streamID: streamID, UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            let header = frame!.pointee.hd
            let isRequestEnd = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
                && (header.type == UInt8(NGHTTP2_DATA.rawValue) || header.type == UInt8(NGHTTP2_HEADERS.rawValue))
            if isRequestEnd { GRPCServerHandler.from(user).requestEnded(streamID: header.stream_id) }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, user in
            GRPCServerHandler.from(user).streams[streamID] = nil
            return 0
        }
        nghttp2_session_server_new(&session, callbacks, Unmanaged.passUnretained(self).toOpaque())
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
        let consumed = buffer.withUnsafeReadableBytes { raw in
            nghttp2_session_mem_recv(session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        if consumed < 0 {
            // Not HTTP/2 (a bad preface) or a protocol violation: nghttp2 has queued a GOAWAY.
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
        streams.removeAll()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            if streams.isEmpty {
                nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session), UInt32(NGHTTP2_NO_ERROR.rawValue), nil, 0)
                flush()
                close()
            }
        } else if event is ChannelShouldQuiesceEvent {
            startDraining()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close()
    }

    // MARK: requests

    private static func from(_ user: UnsafeMutableRawPointer?) -> GRPCServerHandler {
        Unmanaged<GRPCServerHandler>.fromOpaque(user!).takeUnretainedValue()
    }

    private func receive(streamID: Int32, _ chunk: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID], !stream.answered else { return }
        stream.data.append(contentsOf: chunk)
        // Refuse an oversized message as soon as its header says so, without buffering the rest.
        if let length = GRPCMessageFraming.declaredLength(stream.data), length > configuration.maxReceiveMessageBytes {
            // Answering ends our side of the stream; nghttp2 then resets it with NO_ERROR so the client stops sending.
            answer(stream, GRPCResponse(status: .resourceExhausted, message: "message of \(length) bytes exceeds the limit of \(configuration.maxReceiveMessageBytes) bytes"))
        } else if stream.data.count > configuration.maxReceiveMessageBytes + 5 {
            answer(stream, GRPCResponse(status: .resourceExhausted, message: "request exceeds the limit of \(configuration.maxReceiveMessageBytes) bytes"))
        }
    }

    private func requestEnded(streamID: Int32) {
        guard let stream = streams[streamID], !stream.answered else { return }
        guard stream.method == "POST" else {
            answer(stream, GRPCResponse(status: .unimplemented, message: "gRPC calls use POST, not \(stream.method)"))
            return
        }
        guard stream.contentType.hasPrefix("application/grpc") else {
            answer(stream, GRPCResponse(status: .internal, message: "content-type must be application/grpc, got '\(stream.contentType)'"), httpStatus: "415")
            return
        }
        if let encoding = stream.encoding, encoding != "identity", encoding != "gzip" {
            answer(stream, GRPCResponse(status: .unimplemented, message: "grpc-encoding '\(encoding)' is not supported; use gzip or identity"))
            return
        }
        switch GRPCMessageFraming.message(from: stream.data, encoding: stream.encoding, limit: configuration.maxReceiveMessageBytes) {
        case .refuse(let response):
            answer(stream, response)
        case .message(let message):
            stream.data = []
            calls.handle(GRPCCall(path: stream.path, message: message)) { [weak self, weak stream] response in
                guard let self, let stream, !self.closed else { return }
                self.answer(stream, response)
                self.flush()
            }
        }
    }

    // MARK: responses

    private func answer(_ stream: GRPCStream, _ response: GRPCResponse, httpStatus: String = "200") {
        guard !stream.answered, streams[stream.id] === stream else { return }
        stream.answered = true
        stream.data = []
        let message = GRPCStatusMessage.percentEncode(response.message)
        guard let body = response.body else {
            var headers = [(":status", httpStatus), ("content-type", "application/grpc"), ("grpc-status", String(response.status.rawValue))]
            if !message.isEmpty { headers.append(("grpc-message", message)) }
            submit(headers) { nva in nghttp2_submit_response(session, stream.id, nva.baseAddress, nva.count, nil) }
            return
        }
        var framed = [UInt8](repeating: 0, count: 5)
        framed[1] = UInt8(truncatingIfNeeded: body.count >> 24)
        framed[2] = UInt8(truncatingIfNeeded: body.count >> 16)
        framed[3] = UInt8(truncatingIfNeeded: body.count >> 8)
        framed[4] = UInt8(truncatingIfNeeded: body.count)
        stream.responseBody = framed + body
        stream.trailerStatus = response.status
        stream.trailerMessage = message
        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(stream).toOpaque()
        provider.read_callback = { session, streamID, buffer, length, flags, source, user in
            let stream = Unmanaged<GRPCStream>.fromOpaque(source!.pointee.ptr!).takeUnretainedValue()
            let count = min(length, stream.responseBody.count - stream.responseOffset)
            stream.responseBody.withUnsafeBufferPointer { body in
                buffer!.update(from: body.baseAddress! + stream.responseOffset, count: count)
            }
            stream.responseOffset += count
            if stream.responseOffset == stream.responseBody.count {
                flags!.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue) | UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
                var trailers = [("grpc-status", String(stream.trailerStatus.rawValue))]
                if !stream.trailerMessage.isEmpty { trailers.append(("grpc-message", stream.trailerMessage)) }
                _ = NGHTTP2Headers.with(trailers) { nva in
                    nghttp2_submit_trailer(session, streamID, nva.baseAddress, nva.count)
                }
            }
            return count
        }
        submit([(":status", "200"), ("content-type", "application/grpc")]) { nva in
            nghttp2_submit_response(session, stream.id, nva.baseAddress, nva.count, &provider)
        }
    }

    private func submit(_ headers: [(String, String)], _ body: (UnsafeBufferPointer<nghttp2_nv>) -> Int32) {
        _ = NGHTTP2Headers.with(headers, body)
    }

    // MARK: output and lifecycle

    private func flush() {
        guard let context, !closed, session != nil else { return }
        NGHTTP2Output.send(session, to: context)
        let finished = draining && streams.isEmpty
        if finished || (nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0) {
            close()
        }
    }

    private func startDraining() {
        guard !draining else { return }
        draining = true
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session), UInt32(NGHTTP2_NO_ERROR.rawValue), nil, 0)
        flush()
    }

    private func close() {
        guard !closed, let context else { return }
        closed = true
        context.close(promise: nil)
    }
}
