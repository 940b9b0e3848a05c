import Foundation
import TrellisModel
import TrellisClickHouse
import TrellisStorage

/// The trace store's figures: write throughput into the archive alone (`backend.writeBatch`-span
/// batches from `writers` concurrent writers), then, with `spans` spans in the archive, get-trace
/// latency of 50-span traces from the archive and from the ring, search latency (service + one
/// attribute + a one-hour window, limit 20), and the archive's bytes per span.
struct StoreBenchmark {
    /// The archive measured: the SQLite file, or a ClickHouse server (each run in new databases).
    enum Backend {
        case sqlite
        case clickHouse(endpoint: String)

        var name: String {
            switch self {
            case .sqlite: "store"
            case .clickHouse: "store-clickhouse"
            }
        }

        /// Spans per write: ClickHouse makes a part per insert, so it gets what the batch processor sends it.
        var writeBatch: Int {
            switch self {
            case .sqlite: 100
            case .clickHouse: 8192
            }
        }

        /// Spans per write while filling the read archive.
        var fillBatch: Int {
            switch self {
            case .sqlite: 1000
            case .clickHouse: 20_000
            }
        }

        func open(_ name: String, in directory: String) throws -> any TraceArchive {
            switch self {
            case .sqlite:
                return try SQLiteArchive(path: "\(directory)/\(name).db")
            case .clickHouse(let endpoint):
                let settings = ClickHouseSettings(endpoint: endpoint, database: "bench_\(name)_\(UInt32.random(in: 0...UInt32.max))", timeout: .seconds(300))
                try ClickHouseArchive.migrate(settings)
                return try ClickHouseArchive(settings: settings)
            }
        }

        /// The archive's bytes: the SQLite file's size, ClickHouse's active parts (a retention pass that deletes nothing reports them).
        func storedBytes(_ archive: any TraceArchive, name: String, in directory: String) throws -> Int {
            switch self {
            case .sqlite: (try FileManager.default.attributesOfItem(atPath: "\(directory)/\(name).db")[.size] as? Int) ?? 0
            case .clickHouse: try archive.applyRetention(olderThan: 0, maxBytes: .max).storedBytes
            }
        }
    }

    var backend = Backend.sqlite
    /// Spans in the archive for the read figures (`TRELLIS_BENCH_STORE_SPANS`, default 10 M).
    var spans = Int(ProcessInfo.processInfo.environment["TRELLIS_BENCH_STORE_SPANS"] ?? "") ?? 10_000_000
    /// Concurrent writers in the throughput run (`TRELLIS_BENCH_STORE_WRITERS`, default 4).
    var writers = Int(ProcessInfo.processInfo.environment["TRELLIS_BENCH_STORE_WRITERS"] ?? "") ?? 4
    var throughputSpans = 400_000
    var lookups = 1000
    var searches = 200

    private static let base: UInt64 = 1_700_000_000_000_000_000
    private static let hour: UInt64 = 3_600_000_000_000
    /// The archive's spans are spread over a day.
    private static let day = 24 * hour

    func run() async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let writeRate = try await writeThroughput(try backend.open("write", in: directory))
        let (archive, samples) = try await filledArchive(try backend.open("read", in: directory))
        let archiveGets = try await latencies(samples.fiftySpanTraces.prefix(lookups)) { id in _ = try await archive.trace(id) }
        var random = SplitMix64(seed: 99)
        let queries = (0..<searches).map { _ in
            let start = Self.base + random.next() % (Self.day - Self.hour)
            return TraceQuery(service: "demo-service", attributes: [.equals("http.route", .string("/api/chain"))], start: start, end: start + Self.hour)
        }
        let searchTimes = try await latencies(queries) { query in _ = try await archive.findTraces(query) }
        archive.close()
        let fileBytes = try backend.storedBytes(archive, name: "read", in: directory)

        let ring = RingStore(maxBytes: 256 << 20)
        var ringIDs: [TraceID] = []
        for i in 0..<200 {
            let batch = SyntheticTraces(spansPerTrace: 50).request(spanCount: 1000, startNanos: Self.base + UInt64(i) * 1_000_000_000, random: &random)
            ringIDs += Self.traceIDs(of: batch).prefix(5)
            try await ring.write(batch)
        }
        let ringGets = try await latencies(ringIDs) { id in _ = try await ring.trace(id) }

        return JSONLine([
            ("benchmark", .string(backend.name)),
            ("write_spans_per_sec", .int(writeRate)),
            ("get_trace_p50_ms", .double(Self.percentile(archiveGets, 0.5))),
            ("get_trace_p99_ms", .double(Self.percentile(archiveGets, 0.99))),
            ("ring_get_trace_p99_ms", .double(Self.percentile(ringGets, 0.99))),
            ("search_p50_ms", .double(Self.percentile(searchTimes, 0.5))),
            ("search_p99_ms", .double(Self.percentile(searchTimes, 0.99))),
            ("disk_bytes_per_span", .double(Double(fileBytes) / Double(samples.spans))),
            ("spans", .int(samples.spans)),
        ]).text
    }

    /// Spans per second written by `writers` tasks, each writing its share of the batches in turn.
    private func writeThroughput(_ archive: any TraceArchive) async throws -> Int {
        defer { archive.close() }
        var random = SplitMix64(seed: 1)
        let generator = SyntheticTraces(spansPerTrace: 5)
        let size = backend.writeBatch
        let batches = (0..<(throughputSpans / size)).map { i in
            generator.request(spanCount: size, startNanos: Self.base + UInt64(i) * 20_000_000, random: &random)
        }
        let shares = (0..<writers).map { w in stride(from: w, to: batches.count, by: writers).map { batches[$0] } }
        let elapsed = try await ContinuousClock().measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for share in shares {
                    group.addTask { for batch in share { try await archive.write(batch) } }
                }
                try await group.waitForAll()
            }
        }
        return Int(Double(batches.count * size) / Self.seconds(elapsed))
    }

    private struct Samples {
        var spans = 0
        var fiftySpanTraces: [TraceID] = []
    }

    /// An archive holding `spans` spans over a day, in `backend.fillBatch`-span batches written by
    /// two tasks; every tenth batch holds 50-span traces, whose IDs are sampled for get-trace.
    private func filledArchive(_ archive: any TraceArchive) async throws -> (any TraceArchive, Samples) {
        let size = backend.fillBatch
        let batchCount = max(1, spans / size)
        let step = Self.day / UInt64(batchCount)
        let perLookup = max(1, batchCount / 10 / lookups)
        let sampled = try await withThrowingTaskGroup(of: Samples.self) { group in
            for lane in 0..<2 {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(lane + 10))
                    var samples = Samples()
                    for i in stride(from: lane, to: batchCount, by: 2) {
                        let long = i % 10 == 0
                        let batch = SyntheticTraces(spansPerTrace: long ? 50 : 5).request(spanCount: size, startNanos: Self.base + UInt64(i) * step, random: &random)
                        if long && (i / 10) % perLookup == 0 { samples.fiftySpanTraces.append(Self.traceIDs(of: batch)[10]) }
                        samples.spans += batch.spanCount
                        try await archive.write(batch)
                    }
                    return samples
                }
            }
            var all = Samples()
            for try await samples in group {
                all.spans += samples.spans
                all.fiftySpanTraces += samples.fiftySpanTraces
            }
            return all
        }
        var random = SplitMix64(seed: 5)
        var shuffled = sampled
        shuffled.fiftySpanTraces.shuffle(using: &random)
        return (archive, shuffled)
    }

    private func latencies<T: Sendable>(_ inputs: some Sequence<T>, _ body: (T) async throws -> Void) async throws -> [Duration] {
        let clock = ContinuousClock()
        var out: [Duration] = []
        for input in inputs {
            out.append(try await clock.measure { try await body(input) })
        }
        return out.sorted()
    }

    private static func traceIDs(of batch: TraceBatch) -> [TraceID] {
        var seen = Set<TraceID>()
        return batch.flattened.map(\.span.traceID).filter { seen.insert($0).inserted }
    }

    private static func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return seconds(sorted[max(0, index)]) * 1000
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
