import Foundation
import Glibc
import Logging
import Synchronization

/// The backends the loadbalancing exporter routes to, as a `ConsistentHashRing` of `host:port`
/// names: the static list, or the addresses a DNS name resolves to (every `interval`, each
/// lookup given up after `timeout`, keeping the last answer), so a backend the name stops
/// listing leaves the ring and its keys move to the others; `changed` hears each new ring.
/// Lookups run on a thread of their own (getaddrinfo blocks and cannot be interrupted), one at a
/// time: while a slow one is still running, the next rounds are skipped.
final class BackendResolver: Sendable {
    private let current: Mutex<ConsistentHashRing>
    private let refresher = Mutex<Task<Void, Never>?>(nil)

    /// Whether a lookup thread is still running.
    final class LookupGate: Sendable {
        let busy = Atomic<Bool>(false)
    }

    init(_ resolver: LoadBalancingConfig.Resolver, logger: Logger, changed: @escaping @Sendable (ConsistentHashRing) -> Void = { _ in }) {
        switch resolver {
        case .fixed(let hostnames):
            current = Mutex(ConsistentHashRing(backends: hostnames.map(\.description)))
        case .dns(let hostname, let port, let interval, let timeout):
            current = Mutex(ConsistentHashRing(backends: []))
            let gate = LookupGate()
            let task = Task { [weak self] in
                while !Task.isCancelled {
                    guard !gate.busy.load(ordering: .acquiring) else {
                        try? await Task.sleep(for: .nanoseconds(interval.nanoseconds))
                        continue
                    }
                    if let addresses = await Self.lookup(hostname, timeout: .nanoseconds(timeout.nanoseconds), gate: gate) {
                        let ring = ConsistentHashRing(backends: addresses.map { $0.contains(":") ? "[\($0)]:\(port)" : "\($0):\(port)" })
                        guard let self else { return }
                        let isNew = self.current.withLock { old in
                            defer { old = ring }
                            return old != ring
                        }
                        if isNew {
                            logger.info("loadbalancing backends changed", metadata: ["hostname": "\(hostname)", "backends": "\(ring.backends)"])
                            changed(ring)
                        }
                    } else {
                        logger.warning("loadbalancing DNS lookup failed or timed out; keeping the last backends", metadata: ["hostname": "\(hostname)"])
                    }
                    try? await Task.sleep(for: .nanoseconds(interval.nanoseconds))
                }
            }
            refresher.withLock { $0 = task }
        }
    }

    deinit { stop() }

    var ring: ConsistentHashRing { current.withLock { $0 } }

    func stop() {
        refresher.withLock { $0?.cancel() }
    }

    /// The numeric addresses `hostname` resolves to, sorted; nil when the lookup fails or takes
    /// longer than `timeout` (getaddrinfo cannot be interrupted: a slow one finishes unheard, on
    /// its own thread, and keeps `gate` busy until it does).
    static func lookup(_ hostname: String, timeout: Duration, gate: LookupGate? = nil) async -> [String]? {
        gate?.busy.store(true, ordering: .releasing)
        return await TimedRace.first(within: timeout, fallback: nil) { finish in
            Thread.detachNewThread {
                finish(resolve(hostname))
                gate?.busy.store(false, ordering: .releasing)
            }
        }.value
    }

    private static func resolve(_ hostname: String) -> [String]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(hostname, nil, &hints, &list) == 0 else { return nil }
        defer { freeaddrinfo(list) }
        var out: Set<String> = []
        var entry = list
        while let info = entry?.pointee {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.ai_addr, info.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                out.insert(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            entry = info.ai_next
        }
        return out.sorted()
    }
}
