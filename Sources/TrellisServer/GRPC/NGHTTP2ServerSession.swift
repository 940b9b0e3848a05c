import CNGHTTP2

/// The nghttp2 server session of a `GRPCServerHandler`: the callback table (closure
/// literals, which reach the handler through `user_data`) and the request-side events.
extension GRPCServerHandler {
    /// Creates a server session whose callbacks report to the handler behind `userData`.
    func makeServerSession(userData: UnsafeMutableRawPointer) -> OpaquePointer? {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
            let header = frame!.pointee.hd
            if header.type == UInt8(NGHTTP2_HEADERS.rawValue) && frame!.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
                GRPCServerHandler.from(user).streamOpened(header.stream_id)
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            let handler = GRPCServerHandler.from(user)
            guard let stream = handler.streams[frame!.pointee.hd.stream_id], !stream.headersChecked else { return 0 }
            let key = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let text = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            switch key {
            case ":method": stream.method = text
            case ":path": stream.path = text
            case "content-type": stream.contentType = text; stream.headers.append((key, text))
            case "grpc-encoding": stream.encoding = text; stream.headers.append((key, text))
            default: if !key.hasPrefix(":") { stream.headers.append((key, text)) }
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            GRPCServerHandler.from(user).receive(streamID: streamID, UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            let handler = GRPCServerHandler.from(user)
            handler.sawPreface = true
            let header = frame!.pointee.hd
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            switch UInt32(header.type) {
            case NGHTTP2_HEADERS.rawValue:
                if frame!.pointee.headers.cat == NGHTTP2_HCAT_REQUEST { handler.requestHeadersEnded(streamID: header.stream_id) }
                if endStream { handler.requestEnded(streamID: header.stream_id) }
            case NGHTTP2_DATA.rawValue:
                if endStream { handler.requestEnded(streamID: header.stream_id) }
            case NGHTTP2_PING.rawValue:
                if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 { handler.noticeAcknowledged() }
            default:
                break
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { session, frame, _ in
            // A response that ends our side while the client is still sending (an early
            // refusal): reset the stream with NO_ERROR so the client stops (RFC 9113 §8.1).
            let header = frame!.pointee.hd
            if header.type == UInt8(NGHTTP2_HEADERS.rawValue), header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
               nghttp2_session_get_stream_remote_close(session, header.stream_id) == 0 {
                nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id, UInt32(NGHTTP2_NO_ERROR.rawValue))
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, user in
            let handler = GRPCServerHandler.from(user)
            handler.streams[streamID]?.deadline?.cancel()
            handler.streams[streamID] = nil
            return 0
        }
        // The flood limits (CVE-2023-44487 "rapid reset", CVE-2019-9512 ping and CVE-2019-9515
        // settings floods, CVE-2024-28182 CONTINUATION floods): nghttp2 closes the session with a
        // GOAWAY when a client passes them.
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        defer { nghttp2_option_del(option) }
        let limits = configuration.floodLimits
        nghttp2_option_set_max_outbound_ack(option, limits.maxQueuedControlAcks)
        nghttp2_option_set_max_settings(option, limits.maxSettingsPerFrame)
        nghttp2_option_set_stream_reset_rate_limit(option, limits.streamResetBurst, limits.streamResetsPerSecond)
        nghttp2_option_set_max_continuations(option, limits.maxContinuations)
        var session: OpaquePointer?
        nghttp2_session_server_new2(&session, callbacks, userData, option)
        return session
    }

    static func from(_ user: UnsafeMutableRawPointer?) -> GRPCServerHandler {
        Unmanaged<GRPCServerHandler>.fromOpaque(user!).takeUnretainedValue()
    }

    // MARK: requests

    /// A request stream began: it must end within `readTimeout`.
    func streamOpened(_ streamID: Int32) {
        let stream = GRPCStream(id: streamID)
        streams[streamID] = stream
        guard let context else { return }
        let timeout = configuration.readTimeout
        stream.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self, weak stream] in
            guard let self, let stream, !stream.dispatched, !stream.answered else { return }
            self.answer(stream, GRPCResponse(status: .deadlineExceeded, message: "the request did not end within \(timeout.nanoseconds / 1_000_000) ms of its headers (read_timeout)"))
            self.flush()
        }
    }

    func receive(streamID: Int32, _ chunk: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID], !stream.answered else { return }
        stream.data.append(contentsOf: chunk)
        let limit = configuration.maxReceiveMessageBytes
        // Refuse an oversized message as soon as its header says so, without buffering the rest.
        if let length = GRPCMessageFraming.declaredLength(stream.data), length > limit {
            answer(stream, GRPCResponse(status: .resourceExhausted, message: "message of \(length) bytes exceeds the limit of \(limit) bytes"))
        } else if stream.data.count > limit + 5 {
            answer(stream, GRPCResponse(status: .resourceExhausted, message: "request body exceeds the limit of \(limit) bytes"))
        }
    }

    /// The request headers are complete: refuse what is not a gRPC call before any body arrives.
    func requestHeadersEnded(streamID: Int32) {
        guard let stream = streams[streamID], !stream.headersChecked else { return }
        stream.headersChecked = true
        guard stream.method == "POST" else {
            answer(stream, GRPCResponse(status: .unimplemented, message: "gRPC calls use POST, not \(stream.method)"), httpStatus: "405")
            return
        }
        // gRPC over HTTP/2: a content type that is not application/grpc* gets HTTP 415.
        guard stream.contentType.hasPrefix("application/grpc") else {
            let shown = stream.contentType.isEmpty ? "none" : "'\(stream.contentType)'"
            answer(stream, GRPCResponse(status: .internal, message: "content-type must be application/grpc, got \(shown)"), httpStatus: "415")
            return
        }
        if let encoding = stream.encoding, encoding != "identity", encoding != "gzip" {
            answer(stream, GRPCResponse(status: .unimplemented, message: "grpc-encoding '\(encoding)' is not supported; use gzip or identity"))
        }
    }

    /// The client ended the stream: unframe the message and hand the call to the application.
    func requestEnded(streamID: Int32) {
        guard let stream = streams[streamID], !stream.answered, !stream.dispatched else { return }
        stream.dispatched = true
        stream.deadline?.cancel()
        switch GRPCMessageFraming.message(from: stream.data, encoding: stream.encoding, limit: configuration.maxReceiveMessageBytes) {
        case .refuse(let response):
            answer(stream, response)
        case .message(let message):
            stream.data = []
            let call = GRPCCall(path: stream.path, message: message, headers: stream.headers)
            stream.headers = []
            calls.handle(call) { [weak self, weak stream] response in
                guard let self, let stream, !self.closed else { return }
                self.answer(stream, response)
                self.flush()
            }
        }
    }
}
