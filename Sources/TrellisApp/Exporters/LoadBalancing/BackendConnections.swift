import NIOCore
import TrellisClient

/// One OTLP/gRPC connection per backend (`host:port`), opened on first use and again when it
/// has closed; many exports share a connection, one HTTP/2 stream each. A backend that could
/// not be reached is not tried again for `pause` (callers fail at once), and a connection
/// attempt is given up after `connectTimeout`.
actor BackendConnections {
    private let group: any EventLoopGroup
    private let pause: Duration
    private let connectTimeout: Duration
    private var connections: [String: Task<GRPCClientConnection, any Error>] = [:]
    private var unreachable: [String: (until: ContinuousClock.Instant, reason: String)] = [:]

    init(group: any EventLoopGroup, pause: Duration, connectTimeout: Duration) {
        self.group = group
        self.pause = pause
        self.connectTimeout = connectTimeout
    }

    /// The open connection to `backend`; throws when it cannot be reached. Callers that arrive
    /// while a connection is being opened share that attempt and its outcome.
    func connection(to backend: String) async throws -> GRPCClientConnection {
        while let existing = connections[backend] {
            let connection = try await existing.value
            if connection.isOpen { return connection }
            // Closed since: forget it, unless another caller already replaced it (then use that one).
            if connections[backend] == existing { connections[backend] = nil }
        }
        if let down = unreachable[backend], ContinuousClock.now < down.until { throw BackendError.unreachable(down.reason) }
        guard let endpoint = Endpoint(parsing: backend) else { throw BackendError.badAddress(backend) }
        let group = self.group
        let timeout = TimeAmount(connectTimeout)
        let task = Task {
            try await GRPCClientConnection.connect(host: endpoint.host, port: endpoint.port, group: group, authority: backend, connectTimeout: timeout)
        }
        connections[backend] = task
        do {
            let connection = try await task.value
            unreachable[backend] = nil
            return connection
        } catch {
            // Only the caller that started the attempt records it; waiters see the same error.
            if connections[backend] == task { connections[backend] = nil }
            unreachable[backend] = (ContinuousClock.now + pause, "\(error)")
            throw error
        }
    }

    /// Closes the connections to backends not in `keep` (the resolver dropped them).
    func retain(_ keep: Set<String>) async {
        for backend in Array(connections.keys) where !keep.contains(backend) {
            let task = connections.removeValue(forKey: backend)
            await (try? task?.value)?.close()
        }
        unreachable = unreachable.filter { keep.contains($0.key) }
    }

    func closeAll() async {
        let open = connections.values
        connections = [:]
        for task in open { await (try? task.value)?.close() }
    }

    enum BackendError: Error, CustomStringConvertible {
        case badAddress(String)
        case unreachable(String)
        var description: String {
            switch self {
            case .badAddress(let text): "'\(text)' is not host:port"
            case .unreachable(let reason): "unreachable a moment ago (\(reason))"
            }
        }
    }
}
