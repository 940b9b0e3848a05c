import Foundation
import NIOCore
import NIOPosix
import Testing
import TrellisCodec

/// A response as the bytes on the wire tell it.
struct WireResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body parsed as JSON (after gunzip when it is gzip-encoded).
    func json() throws -> Any {
        let bytes = header("content-encoding") == "gzip" ? try Gzip.inflate(body, limit: 64 << 20) : body
        return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    func object() throws -> [String: Any] {
        try #require(try json() as? [String: Any])
    }
}

/// Sends one HTTP/1.1 request over a fresh connection (`Connection: close`) and reads the raw answer.
enum HTTPTestClient {
    static func get(port: Int, _ target: String, headers: [(String, String)] = []) async throws -> WireResponse {
        try await send(port: port, method: "GET", target, headers: headers)
    }

    static func send(port: Int, method: String, _ target: String, headers: [(String, String)] = [], body: String = "") async throws -> WireResponse {
        let done = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ResponseCollector(done: done)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        try await channel.writeAndFlush(channel.allocator.buffer(string: request)).get()
        let raw = try await done.futureResult.get()
        return try parse(raw)
    }

    private static func parse(_ raw: [UInt8]) throws -> WireResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...(raw.count - 4)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            throw TestClientError.malformed(String(decoding: raw, as: UTF8.self))
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw TestClientError.malformed(lines.first ?? "")
        }
        let headers = lines.dropFirst().map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        return WireResponse(status: status, headers: headers, body: Array(raw[(end + 4)...]))
    }
}

enum TestClientError: Error {
    case malformed(String)
}

/// Gathers every byte the server sends until it closes the connection.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var bytes: [UInt8] = []
    private let done: EventLoopPromise<[UInt8]>

    init(done: EventLoopPromise<[UInt8]>) {
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bytes += Array(buffer: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.succeed(bytes)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.close(promise: nil)
    }
}
