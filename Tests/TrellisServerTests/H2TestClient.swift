import CNGHTTP2
import NIOCore
import NIOPosix
import TrellisServer

/// What one HTTP/2 stream brought back.
struct H2Response: Sendable {
    var headers: [(name: String, value: String)] = []
    var trailers: [(name: String, value: String)] = []
    var data: [UInt8] = []
    /// The error code of a RST_STREAM the server sent, if any.
    var resetCode: UInt32?
    /// Set when the connection closed before the stream did.
    var connectionClosed = false

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    func trailer(_ name: String) -> String? { trailers.first { $0.name == name }?.value }

    /// grpc-status from the trailers, or from the headers of a trailers-only response.
    var grpcStatus: Int? { (trailer("grpc-status") ?? header("grpc-status")).flatMap { Int($0) } }
    var grpcMessage: String? { trailer("grpc-message") ?? header("grpc-message") }
    /// The single response message, unframed.
    var message: [UInt8]? {
        guard data.count >= 5 else { return nil }
        let length = Int(data[1]) << 24 | Int(data[2]) << 16 | Int(data[3]) << 8 | Int(data[4])
        guard data.count == 5 + length else { return nil }
        return Array(data[5...])
    }
}

/// A GOAWAY the client received.
struct H2GoAway: Sendable {
    var lastStreamID: Int32
    var errorCode: UInt32
}

/// A minimal h2c (prior knowledge) client on a libnghttp2 client session, for tests.
final class H2TestClient: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<H2ClientHandler>

    static func connect(port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> H2TestClient {
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(H2ClientHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: H2ClientHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return H2TestClient(channel: channel, handler: handler)
    }

    private init(channel: any Channel, handler: NIOLoopBound<H2ClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Starts a request; the future completes when the stream closes (or the connection does).
    /// With `endStream: false` the body is sent and the stream stays open.
    func start(method: String = "POST", path: String, headers: [(String, String)] = [("content-type", "application/grpc")],
               body: [UInt8]?, endStream: Bool = true) -> EventLoopFuture<H2Response> {
        let promise = channel.eventLoop.makePromise(of: H2Response.self)
        let handler = self.handler
        channel.eventLoop.execute {
            handler.value.request(method: method, path: path, headers: headers, body: body, endStream: endStream, promise: promise)
        }
        return promise.futureResult
    }

    func call(method: String = "POST", path: String, headers: [(String, String)] = [("content-type", "application/grpc")],
              body: [UInt8]?, endStream: Bool = true) async throws -> H2Response {
        try await start(method: method, path: path, headers: headers, body: body, endStream: endStream).get()
    }

    /// GOAWAY frames received so far.
    func goAways() async throws -> [H2GoAway] {
        let handler = self.handler
        return try await channel.eventLoop.submit { handler.value.goAways }.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Frames a message as gRPC does: compressed flag, big-endian length, bytes.
func grpcFrame(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
    let n = message.count
    return [compressed ? 1 : 0, UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16),
            UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + message
}

/// The nghttp2 client session of one test connection; confined to its event loop.
final class H2ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    final class Stream {
        let body: [UInt8]
        let endStream: Bool
        var offset = 0
        var response = H2Response()
        let promise: EventLoopPromise<H2Response>

        init(body: [UInt8], endStream: Bool, promise: EventLoopPromise<H2Response>) {
            self.body = body
            self.endStream = endStream
            self.promise = promise
        }
    }

    private var session: OpaquePointer!
    private var streams: [Int32: Stream] = [:]
    private var context: ChannelHandlerContext?
    private(set) var goAways: [H2GoAway] = []

    deinit {
        if session != nil { nghttp2_session_del(session) }
    }

    private static func from(_ user: UnsafeMutableRawPointer?) -> H2ClientHandler {
        Unmanaged<H2ClientHandler>.fromOpaque(user!).takeUnretainedValue()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            guard let stream = H2ClientHandler.from(user).streams[frame!.pointee.hd.stream_id] else { return 0 }
            let pair = (name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
                        value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self))
            if frame!.pointee.headers.cat == NGHTTP2_HCAT_HEADERS {
                stream.response.trailers.append(pair)
            } else {
                stream.response.headers.append(pair)
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            H2ClientHandler.from(user).streams[streamID]?.response.data.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            let handler = H2ClientHandler.from(user)
            let header = frame!.pointee.hd
            switch UInt32(header.type) {
            case NGHTTP2_RST_STREAM.rawValue:
                handler.streams[header.stream_id]?.response.resetCode = frame!.pointee.rst_stream.error_code
            case NGHTTP2_GOAWAY.rawValue:
                handler.goAways.append(H2GoAway(lastStreamID: frame!.pointee.goaway.last_stream_id, errorCode: frame!.pointee.goaway.error_code))
            default:
                break
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, user in
            guard let stream = H2ClientHandler.from(user).streams.removeValue(forKey: streamID) else { return 0 }
            stream.promise.succeed(stream.response)
            return 0
        }
        nghttp2_session_client_new(&session, callbacks, Unmanaged.passUnretained(self).toOpaque())
        var settings = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0)]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
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
        for stream in streams.values {
            stream.response.connectionClosed = true
            stream.promise.succeed(stream.response)
        }
        streams.removeAll()
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func request(method: String, path: String, headers: [(String, String)], body: [UInt8]?, endStream: Bool,
                 promise: EventLoopPromise<H2Response>) {
        guard context != nil else {
            promise.succeed(H2Response(connectionClosed: true))
            return
        }
        let stream = Stream(body: body ?? [], endStream: endStream, promise: promise)
        let all = [(":method", method), (":scheme", "http"), (":authority", "127.0.0.1"), (":path", path), ("te", "trailers")] + headers
        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(stream).toOpaque()
        provider.read_callback = { _, _, buffer, length, flags, source, _ in
            let stream = Unmanaged<Stream>.fromOpaque(source!.pointee.ptr!).takeUnretainedValue()
            let count = min(length, stream.body.count - stream.offset)
            if count > 0 {
                stream.body.withUnsafeBufferPointer { body in buffer!.update(from: body.baseAddress! + stream.offset, count: count) }
                stream.offset += count
                return count
            }
            guard stream.endStream else { return Int(NGHTTP2_ERR_DEFERRED.rawValue) }
            flags!.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
            return 0
        }
        let streamID = NGHTTP2Headers.with(all) { nva in
            body == nil
                ? nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, nil, nil)
                : nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, &provider, nil)
        }
        guard streamID > 0 else {
            promise.fail(ClientError.refused(streamID))
            return
        }
        streams[streamID] = stream
        // A server that never ends the stream fails the test instead of hanging it.
        context!.eventLoop.assumeIsolated().scheduleTask(in: .seconds(10)) { [weak self] in
            guard let self, self.streams[streamID] === stream else { return }
            self.streams[streamID] = nil
            stream.promise.fail(ClientError.timedOut(path))
        }
        flush()
    }

    private func flush() {
        guard let context else { return }
        NGHTTP2Output.send(session, to: context)
    }

    enum ClientError: Error {
        case refused(Int32)
        case timedOut(String)
    }
}

/// A client that sends raw bytes and records what comes back, for non-HTTP/2 input.
final class RawRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Connects a plain TCP client that reads and discards everything.
func connectRaw(port: Int) async throws -> any Channel {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawRecorder()) }
        }
        .connect(host: "127.0.0.1", port: port).get()
}

/// Waits for a channel to close; returns the seconds it took, or nil when it did not close
/// within `limit` (the channel is then closed by force).
func secondsUntilClosed(_ channel: any Channel, limit: TimeAmount) async throws -> Double? {
    let start = NIODeadline.now()
    let timeout = channel.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    try? await channel.closeFuture.get()
    let elapsed = NIODeadline.now() - start
    timeout.cancel()
    return elapsed >= limit ? nil : Double(elapsed.nanoseconds) / 1e9
}
