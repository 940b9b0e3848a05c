import CNGHTTP2
import NIOCore
import NIOPosix
import TrellisServer

/// One h2c connection (prior knowledge) to an OTLP/gRPC endpoint, driven by a libnghttp2
/// client session; many unary `Export` calls run on it at once, one stream each. The one OTLP
/// client of Trellis: `trellis loadgen`, `trellis demo` and the `loadbalancing` exporter use it.
public final class GRPCClientConnection: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<GRPCClientHandler>

    public static func connect(host: String, port: Int, group: any EventLoopGroup, authority: String,
                               connectTimeout: TimeAmount = .seconds(10)) async throws -> GRPCClientConnection {
        let (channel, handler) = try await ClientChannel.connect(host: host, port: port, group: group, handlerType: GRPCClientHandler.self,
                                                                 connectTimeout: connectTimeout) { _ in
            GRPCClientHandler(authority: authority)
        }
        return GRPCClientConnection(channel: channel, handler: handler)
    }

    private init(channel: any Channel, handler: NIOLoopBound<GRPCClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Sends one length-prefixed message (compressed when `gzip`) and waits for the call's status.
    public func export(_ message: [UInt8], gzip: Bool) async -> ExportOutcome {
        let promise = channel.eventLoop.makePromise(of: ExportOutcome.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.call(message: message, gzip: gzip, promise: promise) }
        return (try? await promise.futureResult.get()) ?? .failed("connection closed")
    }

    public var isOpen: Bool { channel.isActive }

    /// Fails the calls still waiting with `reason` and closes the connection.
    public func abort(reason: String) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.abort(reason: reason) }
    }

    public func close() async {
        try? await channel.close()
    }
}

/// The nghttp2 client session of one connection; confined to its event loop.
final class GRPCClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private final class Call {
        let body: [UInt8]
        var offset = 0
        var status: Int?
        var httpStatus = ""
        var message = ""
        var response: [UInt8] = []
        let promise: EventLoopPromise<ExportOutcome>

        init(body: [UInt8], promise: EventLoopPromise<ExportOutcome>) {
            self.body = body
            self.promise = promise
        }
    }

    private let authority: String
    private var session: OpaquePointer!
    private var calls: [Int32: Call] = [:]
    /// Calls failed by `abort` whose bodies nghttp2 may still point at: kept alive with the session.
    private var abandoned: [Call] = []
    private var aborted = false
    private var context: ChannelHandlerContext?

    init(authority: String) {
        self.authority = authority
    }

    deinit {
        if session != nil { nghttp2_session_del(session) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            let handler = Unmanaged<GRPCClientHandler>.fromOpaque(user!).takeUnretainedValue()
            guard let call = handler.calls[frame!.pointee.hd.stream_id] else { return 0 }
            let key = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let text = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            if key == "grpc-status" { call.status = Int(text) }
            if key == ":status" { call.httpStatus = text }
            if key == "grpc-message" { call.message = text.removingPercentEncoding }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            let handler = Unmanaged<GRPCClientHandler>.fromOpaque(user!).takeUnretainedValue()
            handler.calls[streamID]?.response.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, user in
            let handler = Unmanaged<GRPCClientHandler>.fromOpaque(user!).takeUnretainedValue()
            guard let call = handler.calls.removeValue(forKey: streamID) else { return 0 }
            call.promise.succeed(GRPCClientHandler.outcome(call, errorCode: errorCode))
            return 0
        }
        nghttp2_session_client_new(&session, callbacks, Unmanaged.passUnretained(self).toOpaque())
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: 16 << 20),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, 64 << 20)
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let consumed = buffer.withUnsafeReadableBytes { raw in
            nghttp2_session_mem_recv(session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        if consumed < 0 { context.close(promise: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for call in calls.values { call.promise.succeed(.failed("connection closed by the server")) }
        abandoned.append(contentsOf: calls.values)
        calls.removeAll()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Starts one unary call; the promise completes when its stream closes.
    func call(message: [UInt8], gzip: Bool, promise: EventLoopPromise<ExportOutcome>) {
        guard context != nil else {
            promise.succeed(.failed("not connected"))
            return
        }
        var framed = [UInt8](repeating: 0, count: 5)
        framed[0] = gzip ? 1 : 0
        framed[1] = UInt8(truncatingIfNeeded: message.count >> 24)
        framed[2] = UInt8(truncatingIfNeeded: message.count >> 16)
        framed[3] = UInt8(truncatingIfNeeded: message.count >> 8)
        framed[4] = UInt8(truncatingIfNeeded: message.count)
        let call = Call(body: framed + message, promise: promise)
        var headers = [(":method", "POST"), (":scheme", "http"), (":authority", authority),
                       (":path", "/opentelemetry.proto.collector.trace.v1.TraceService/Export"),
                       ("content-type", "application/grpc"), ("te", "trailers")]
        if gzip { headers.append(("grpc-encoding", "gzip")) }
        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(call).toOpaque()
        provider.read_callback = { _, _, buffer, length, flags, source, _ in
            let call = Unmanaged<Call>.fromOpaque(source!.pointee.ptr!).takeUnretainedValue()
            let count = min(length, call.body.count - call.offset)
            call.body.withUnsafeBufferPointer { body in buffer!.update(from: body.baseAddress! + call.offset, count: count) }
            call.offset += count
            if call.offset == call.body.count { flags!.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue) }
            return count
        }
        let streamID = NGHTTP2Headers.with(headers) { nva in
            nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, &provider, nil)
        }
        guard streamID > 0 else {
            promise.succeed(.failed("nghttp2 refused the request (error \(streamID))"))
            return
        }
        calls[streamID] = call
        flush()
    }

    /// Fails every call in flight with `reason` and closes the connection; the session sends nothing more.
    func abort(reason: String) {
        aborted = true
        for call in calls.values { call.promise.succeed(.failed(reason)) }
        abandoned.append(contentsOf: calls.values)
        calls.removeAll()
        context?.close(promise: nil)
    }

    private func flush() {
        guard let context, !aborted else { return }
        NGHTTP2Output.send(session, to: context)
    }

    /// The gRPC statuses the OTLP specification lets a client retry: CANCELLED, DEADLINE_EXCEEDED,
    /// ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. RESOURCE_EXHAUSTED is retryable only with
    /// RetryInfo, which Trellis never sends (it answers a message too large with it).
    static let retryableStatuses: Set<Int> = [1, 4, 10, 11, 14, 15]

    private static func outcome(_ call: Call, errorCode: UInt32) -> ExportOutcome {
        switch call.status {
        case 0?:
            let body = call.response.count > 5 ? Array(call.response[5...]) : []
            return ExportOutcome.accepted(protobufResponse: body)
        case let status? where retryableStatuses.contains(status):
            return .refused(retryAfterSeconds: nil)
        case let status?:
            return .failed("grpc-status \(status): \(call.message)")
        case nil:
            let status = call.httpStatus.isEmpty ? "no response headers" : "HTTP status \(call.httpStatus)"
            return .failed("stream closed without grpc-status (\(status), HTTP/2 error code \(errorCode))")
        }
    }
}

private extension String {
    var removingPercentEncoding: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let c = iterator.next() {
            if c == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(), let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) {
                bytes.append(v)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
