import CNGHTTP2

/// Submitting answers to nghttp2: a response with one length-prefixed message and trailers,
/// or a trailers-only response for errors.
extension GRPCServerHandler {
    /// Submits the answer of a stream (once; later answers and answers to streams that are
    /// gone are ignored). The caller flushes.
    func answer(_ stream: GRPCStream, _ response: GRPCResponse, httpStatus: String = "200") {
        guard !stream.answered, streams[stream.id] === stream, !closed else { return }
        stream.answered = true
        stream.data = []
        let message = GRPCStatusMessage.percentEncode(response.message)
        guard let body = response.body else {
            var headers = [(":status", httpStatus), ("content-type", "application/grpc"), ("grpc-accept-encoding", "identity,gzip")]
            if httpStatus == "405" { headers.append(("allow", "POST")) }
            headers.append(("grpc-status", String(response.status.rawValue)))
            if !message.isEmpty { headers.append(("grpc-message", message)) }
            _ = NGHTTP2Headers.with(headers) { nva in nghttp2_submit_response(session, stream.id, nva.baseAddress, nva.count, nil) }
            return
        }
        stream.responseBody = GRPCMessageFraming.frame(body)
        stream.responseOffset = 0
        stream.trailerStatus = response.status
        stream.trailerMessage = message
        var provider = nghttp2_data_provider()
        // The stream object stays in `streams` (so alive) until nghttp2 closes the stream.
        provider.source.ptr = Unmanaged.passUnretained(stream).toOpaque()
        provider.read_callback = { session, streamID, buffer, length, flags, source, _ in
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
        let headers = [(":status", "200"), ("content-type", "application/grpc"), ("grpc-accept-encoding", "identity,gzip")]
        _ = NGHTTP2Headers.with(headers) { nva in
            nghttp2_submit_response(session, stream.id, nva.baseAddress, nva.count, &provider)
        }
    }
}
