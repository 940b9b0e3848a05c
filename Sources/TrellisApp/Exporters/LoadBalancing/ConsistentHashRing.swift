/// Picks a backend for a routing key so that adding or removing one of N backends moves only
/// about 1/N of the keys: each backend owns `pointsPerBackend` points on a 64-bit ring (FNV-1a of
/// `name#i`, finished with a 64-bit mixer), and a key goes to the owner of the first point at or
/// after its own hash, wrapping around. The same backends give the same routes in every process.
struct ConsistentHashRing: Sendable, Equatable {
    static let pointsPerBackend = 150

    let backends: [String]
    private let points: [(hash: UInt64, backend: Int)]

    init(backends: [String]) {
        self.backends = Array(Set(backends)).sorted()
        var points: [(hash: UInt64, backend: Int)] = []
        points.reserveCapacity(self.backends.count * Self.pointsPerBackend)
        for (index, name) in self.backends.enumerated() {
            for i in 0..<Self.pointsPerBackend { points.append((Self.hash(Array("\(name)#\(i)".utf8)), index)) }
        }
        self.points = points.sorted { $0.hash != $1.hash ? $0.hash < $1.hash : $0.backend < $1.backend }
    }

    static func == (a: ConsistentHashRing, b: ConsistentHashRing) -> Bool { a.backends == b.backends }

    /// The backend for a key's bytes; nil when there is no backend.
    func backend(for key: [UInt8]) -> String? {
        guard !points.isEmpty else { return nil }
        let h = Self.hash(key)
        var low = 0, high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].hash < h { low = middle + 1 } else { high = middle }
        }
        return backends[points[low == points.count ? 0 : low].backend]
    }

    /// FNV-1a over the bytes, then a 64-bit finaliser (so nearby keys spread over the ring).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        return h ^ (h >> 33)
    }
}
