import Foundation
@testable import TrellisClickHouse
@testable import TrellisStorage
import TrellisModel

/// A fresh directory under the system temp directory, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-storage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A deterministic data set: synthetic HTTP traces over five services, plus hand-made
/// `payments` traces with double and bool attributes and a resource-level environment.
enum Fixture {
    static let base: UInt64 = 1_700_000_000_000_000_000
    static let syntheticTraces = 300

    /// The batches as they are written: 30 synthetic traces per batch, then the payments traces.
    static let batches: [TraceBatch] = {
        var random = SplitMix64(seed: 42)
        let generator = SyntheticTraces(spansPerTrace: 5)
        var out: [TraceBatch] = []
        for i in 0..<(syntheticTraces / 30) {
            out.append(generator.request(spanCount: 150, startNanos: base + UInt64(i) * 30_000_000, random: &random))
        }
        out.append(payments(random: &random))
        return out
    }()

    static let allSpans: [(resource: Resource, span: Span)] = batches.flatMap { $0.flattened.map { ($0.resource, $0.span) } }

    static let traceIDs: [TraceID] = {
        var seen = Set<TraceID>()
        return allSpans.map(\.span.traceID).filter { seen.insert($0).inserted }
    }()

    /// Spans of one trace, from the source data.
    static func spans(of id: TraceID) -> [Span] { allSpans.map(\.span).filter { $0.traceID == id } }

    private static func payments(random: inout SplitMix64) -> TraceBatch {
        var prod: [Span] = []
        var staging: [Span] = []
        for i in 0..<40 {
            let traceID = TraceID(high: random.next() | 1, low: random.next())
            let start = base + 400_000_000 + UInt64(i) * 2_000_000
            let span = Span(
                traceID: traceID, spanID: SpanID(random.next() | 1), name: "charge", kind: i % 5 == 0 ? .server : .internal,
                startTimeUnixNano: start, endTimeUnixNano: start + UInt64(i + 1) * 250_000,
                attributes: [
                    Attribute("payment.amount", .double(Double(i) * 7.5)),
                    Attribute("cache.hit", .bool(i % 3 == 0)),
                    Attribute("error", .bool(i % 10 == 0)),
                    Attribute("retry.count", .int(Int64(i % 4))),
                    Attribute("http.status_code", .int(Int64(i) * 10)),
                ])
            if i % 4 == 0 { staging.append(span) } else { prod.append(span) }
        }
        func resource(_ environment: String) -> Resource {
            Resource(attributes: [Attribute("service.name", .string("payments")), Attribute("deployment.environment", .string(environment))])
        }
        let scope = InstrumentationScope(name: "manual")
        return TraceBatch(resourceSpans: [
            ResourceSpans(resource: resource("prod"), scopeSpans: [ScopeSpans(scope: scope, spans: prod)]),
            ResourceSpans(resource: resource("staging"), scopeSpans: [ScopeSpans(scope: scope, spans: staging)]),
        ])
    }

    /// The expected answer, computed by brute force over every span, independently of the stores.
    static func expected(_ q: TraceQuery, spans: [(resource: Resource, span: Span)] = allSpans) -> [TraceID] {
        var latest: [TraceID: UInt64] = [:]
        for (resource, span) in spans {
            guard resource.serviceName == q.service else { continue }
            if let op = q.operation, span.name != op { continue }
            if let kind = q.spanKind, span.kind != kind { continue }
            if let start = q.start, span.startTimeUnixNano < start { continue }
            if let end = q.end, span.startTimeUnixNano > end { continue }
            let duration = span.endTimeUnixNano - span.startTimeUnixNano
            if let min = q.minDuration, duration < min { continue }
            if let max = q.maxDuration, duration > max { continue }
            let attributesHold = q.attributes.allSatisfy { filter in
                (span.attributes + resource.attributes).contains { $0.key == filter.key && holds(filter, $0.value) }
            }
            if !attributesHold { continue }
            latest[span.traceID] = Swift.max(latest[span.traceID] ?? 0, span.startTimeUnixNano)
        }
        return latest.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key > $1.key }.prefix(q.limit).map(\.key)
    }

    private static func holds(_ filter: AttributeFilter, _ value: AttributeValue) -> Bool {
        switch (filter.value, value) {
        case (.string(let a), .string(let b)): return filter.comparison == .equal && a == b
        case (.bool(let a), .bool(let b)): return filter.comparison == .equal && a == b
        case (.string, _), (.bool, _): return false
        default:
            let want: Double
            switch filter.value {
            case .int(let i): want = Double(i)
            case .double(let d): want = d
            default: return false
            }
            let have: Double
            switch value {
            case .int(let i): have = Double(i)
            case .double(let d): have = d
            default: return false
            }
            switch filter.comparison {
            case .equal: return have == want
            case .greaterThan: return have > want
            case .greaterThanOrEqual: return have >= want
            case .lessThan: return have < want
            case .lessThanOrEqual: return have <= want
            }
        }
    }
}

/// The stores under test, each loaded with the fixture: the ring, the SQLite archive, the
/// ring in front of it, and the ClickHouse archive (on `ClickHouseTestServer`).
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case ring, archive, combined, clickHouse

    var description: String { rawValue }

    /// A store holding every fixture batch. The directory must outlive the store.
    func makeLoaded(in directory: TemporaryDirectory) async throws -> any TraceReader & TraceWriter {
        let store: any TraceReader & TraceWriter
        switch self {
        case .ring: store = RingStore(maxBytes: 1 << 30, indexedAttributeKeys: SQLiteArchive.defaultIndexedAttributeKeys)
        case .archive: store = try SQLiteArchive(path: directory.file("archive.db"))
        case .combined:
            // A small ring: most traces are only in the archive, the newest in both.
            let ring = RingStore(maxBytes: 200_000, indexedAttributeKeys: SQLiteArchive.defaultIndexedAttributeKeys)
            store = CombinedStore(ring: ring, archive: try SQLiteArchive(path: directory.file("archive.db")))
        case .clickHouse:
            store = try ClickHouseArchive(settings: try ClickHouseTestServer.shared.get().freshArchiveSettings())
        }
        for batch in Fixture.batches { try await store.write(batch) }
        return store
    }
}

/// Sorted span IDs of a batch, to compare traces regardless of order.
func spanIDs(_ batch: TraceBatch?) -> [SpanID] {
    (batch?.flattened.map(\.span.spanID) ?? []).sorted()
}
