import TrellisClient
import NIOCore

/// A client connection to an OTLP endpoint of either transport, shared by `trellis loadgen`
/// and `trellis demo`: connects, exports one body at a time (retrying refusals like an SDK),
/// and closes.
enum OTLPConnection: Sendable {
    case grpc(GRPCClientConnection)
    case http(HTTPClientConnection, contentType: String)

    /// Opens a connection to `target`; the error names the endpoint and the protocol.
    static func connect(to target: LoadTarget, group: any EventLoopGroup) async throws(LoadgenError) -> OTLPConnection {
        do {
            switch target.wireProtocol {
            case .grpc:
                return .grpc(try await GRPCClientConnection.connect(host: target.host, port: target.port, group: group, authority: "\(target.host):\(target.port)"))
            case .httpProtobuf, .httpJSON:
                let contentType = target.wireProtocol == .httpJSON ? "application/json" : "application/x-protobuf"
                return .http(try await HTTPClientConnection.connect(host: target.host, port: target.port, group: group, path: target.path), contentType: contentType)
            }
        } catch {
            throw .cannotConnect("cannot connect to \(target.host):\(target.port) (\(target.wireProtocol.rawValue)): \(error)")
        }
    }

    /// Sends one body and waits for the answer.
    func export(_ body: [UInt8], gzip: Bool) async -> ExportOutcome {
        switch self {
        case .grpc(let c): return await c.export(body, gzip: gzip)
        case .http(let c, let contentType): return await c.export(body, contentType: contentType, gzip: gzip)
        }
    }

    /// Sends one body of `spans` spans, counting every attempt in `statistics`; retries refusals
    /// with exponential backoff (or the server's `Retry-After`) until `cutoff`. Returns the last outcome.
    func exportRetrying(_ body: [UInt8], spans: Int, gzip: Bool, statistics: LoadStatistics,
                        until cutoff: ContinuousClock.Instant) async -> ExportOutcome {
        let clock = ContinuousClock()
        var backoff = Duration.milliseconds(100)
        var firstAttempt = true
        while true {
            statistics.started(spans: spans, firstAttempt: firstAttempt)
            let began = clock.now
            let outcome = await export(body, gzip: gzip)
            statistics.finished(outcome, spans: spans, micros: began.duration(to: clock.now).microseconds)
            firstAttempt = false
            guard case .refused(let retryAfter) = outcome, clock.now < cutoff else { return outcome }
            statistics.retried()
            let jitter = Duration.milliseconds(Int.random(in: 0...50))
            let delay = retryAfter.map { Duration.seconds($0) } ?? backoff + jitter
            try? await Task.sleep(until: min(clock.now + delay, cutoff), clock: .continuous)
            guard clock.now < cutoff else { return outcome }
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    var isOpen: Bool {
        switch self {
        case .grpc(let c): return c.isOpen
        case .http(let c, _): return c.isOpen
        }
    }

    /// Fails what is still waiting with `reason` and closes the connection.
    func abort(reason: String) {
        switch self {
        case .grpc(let c): c.abort(reason: reason)
        case .http(let c, _): c.abort(reason: reason)
        }
    }

    func close() async {
        switch self {
        case .grpc(let c): await c.close()
        case .http(let c, _): await c.close()
        }
    }
}
