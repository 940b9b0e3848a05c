import NIOCore

/// One of a load run's connections, replaced when it closes (the server restarted, or closed it
/// after its idle timeout): senders ask for the open connection before each request, and the
/// first to find it closed connects again, retrying every `retryInterval` until the run's
/// deadline. Requests in flight when a connection closed stay failed; the next ones go out on the
/// new connection. Reconnections are counted in the run's statistics.
actor ConnectionSlot {
    static let retryInterval = Duration.milliseconds(200)

    private var connection: OTLPConnection
    private let target: LoadTarget
    private let group: any EventLoopGroup
    private let statistics: LoadStatistics
    /// The reconnection under way, which every sender that finds the connection closed awaits.
    private var reconnecting: Task<OTLPConnection?, Never>?

    init(_ connection: OTLPConnection, target: LoadTarget, group: any EventLoopGroup, statistics: LoadStatistics) {
        self.connection = connection
        self.target = target
        self.group = group
        self.statistics = statistics
    }

    /// The open connection, connecting again when it closed; nil when no connection could be
    /// made before `deadline`.
    func open(until deadline: ContinuousClock.Instant) async -> OTLPConnection? {
        if connection.isOpen { return connection }
        if let reconnecting { return await reconnecting.value }
        let task = Task { await self.reconnect(until: deadline) }
        reconnecting = task
        defer { reconnecting = nil }
        return await task.value
    }

    private func reconnect(until deadline: ContinuousClock.Instant) async -> OTLPConnection? {
        while !connection.isOpen {
            guard ContinuousClock.now < deadline else { return nil }
            do {
                let replacement = try await OTLPConnection.connect(to: target, group: group)
                await connection.close()
                connection = replacement
                statistics.reconnected()
            } catch {
                try? await Task.sleep(until: min(ContinuousClock.now + Self.retryInterval, deadline), clock: .continuous)
            }
        }
        return connection
    }

    /// Fails what is still waiting on the current connection with `reason` and closes it.
    func abort(reason: String) {
        connection.abort(reason: reason)
    }

    func close() async {
        await connection.close()
    }
}
