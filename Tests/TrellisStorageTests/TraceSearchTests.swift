import Testing
@testable import TrellisStorage
import TrellisModel

/// One search, named for the filter it exercises.
struct SearchCase: Sendable, CustomTestStringConvertible {
    let name: String
    let query: TraceQuery
    var testDescription: String { name }

    static let ms: UInt64 = 1_000_000
    static let all: [SearchCase] = [
        SearchCase(name: "service", query: TraceQuery(service: "node-service", limit: 1000)),
        SearchCase(name: "service + operation", query: TraceQuery(service: "demo-service", operation: "GET", limit: 1000)),
        SearchCase(name: "service + span kind", query: TraceQuery(service: "payments", spanKind: .server, limit: 1000)),
        SearchCase(name: "operation + kind that never occur together", query: TraceQuery(service: "demo-service", operation: "GET", spanKind: .server)),
        SearchCase(name: "indexed string attribute", query: TraceQuery(
            service: "node-service", attributes: [.equals("http.route", .string("/api/chain"))], limit: 1000)),
        SearchCase(name: "indexed int attribute equality", query: TraceQuery(
            service: "demo-service", attributes: [.equals("http.response.status_code", .int(500))], limit: 1000)),
        SearchCase(name: "indexed int attribute >=", query: TraceQuery(
            service: "checkout", attributes: [AttributeFilter("http.response.status_code", .greaterThanOrEqual, .int(500))], limit: 1000)),
        SearchCase(name: "indexed int attribute > with a double bound", query: TraceQuery(
            service: "checkout", attributes: [AttributeFilter("http.response.status_code", .greaterThan, .double(200.5))], limit: 1000)),
        SearchCase(name: "indexed int attribute <", query: TraceQuery(
            service: "payments", attributes: [AttributeFilter("http.status_code", .lessThan, .int(150))], limit: 1000)),
        SearchCase(name: "unindexed int attribute", query: TraceQuery(
            service: "payments", attributes: [.equals("retry.count", .int(2))], limit: 1000)),
        SearchCase(name: "unindexed double attribute >", query: TraceQuery(
            service: "payments", attributes: [AttributeFilter("payment.amount", .greaterThan, .double(100))], limit: 1000)),
        SearchCase(name: "unindexed double attribute <= with an int bound", query: TraceQuery(
            service: "payments", attributes: [AttributeFilter("payment.amount", .lessThanOrEqual, .int(30))], limit: 1000)),
        SearchCase(name: "bool attribute", query: TraceQuery(service: "payments", attributes: [.equals("cache.hit", .bool(true))], limit: 1000)),
        SearchCase(name: "indexed bool attribute is not an int", query: TraceQuery(service: "payments", attributes: [.equals("error", .int(1))])),
        SearchCase(name: "resource attribute", query: TraceQuery(
            service: "payments", attributes: [.equals("deployment.environment", .string("staging"))], limit: 1000)),
        SearchCase(name: "two attributes on the same span", query: TraceQuery(
            service: "payments", attributes: [.equals("cache.hit", .bool(true)), .equals("error", .bool(true))], limit: 1000)),
        SearchCase(name: "minimum duration", query: TraceQuery(service: "checkout", minDuration: 35 * ms, limit: 1000)),
        SearchCase(name: "maximum duration", query: TraceQuery(service: "checkout", maxDuration: 2 * ms, limit: 1000)),
        SearchCase(name: "duration window", query: TraceQuery(service: "demo-service", minDuration: 10 * ms, maxDuration: 12 * ms, limit: 1000)),
        SearchCase(name: "time range", query: TraceQuery(
            service: "demo-service", start: Fixture.base + 95 * ms, end: Fixture.base + 170 * ms + 150_000, limit: 1000)),
        SearchCase(name: "open-ended start", query: TraceQuery(service: "node-service", start: Fixture.base + 250 * ms, limit: 1000)),
        SearchCase(name: "limit keeps the newest", query: TraceQuery(service: "demo-service", limit: 7)),
        SearchCase(name: "everything at once", query: TraceQuery(
            service: "demo-service", operation: "POST /api/chain", spanKind: .server,
            attributes: [.equals("http.request.method", .string("POST")), AttributeFilter("http.response.status_code", .lessThan, .int(400))],
            minDuration: 5 * ms, maxDuration: 30 * ms, start: Fixture.base, end: Fixture.base + 200 * ms, limit: 5)),
        SearchCase(name: "unknown service", query: TraceQuery(service: "nobody")),
        SearchCase(name: "unknown operation", query: TraceQuery(service: "node-service", operation: "nothing")),
    ]
}

@Suite("Trace search")
struct TraceSearchTests {
    @Test(arguments: StoreKind.allCases, SearchCase.all)
    func searchReturnsExactlyTheMatchingTracesNewestFirst(kind: StoreKind, search: SearchCase) async throws {
        let directory = try TemporaryDirectory()
        let store = try await kind.makeLoaded(in: directory)
        let found = try await store.findTraces(search.query)
        #expect(found.map(\.traceID) == Fixture.expected(search.query))
        // Each comes with every span of its trace, decoded by the search itself.
        for trace in found {
            #expect(spanIDs(trace.trace) == Fixture.spans(of: trace.traceID).map(\.spanID).sorted())
        }
    }

    @Test func theSearchCasesAreNotVacuous() {
        let empty = Set(["operation + kind that never occur together", "indexed bool attribute is not an int", "unknown service", "unknown operation"])
        for search in SearchCase.all {
            let expected = Fixture.expected(search.query)
            if empty.contains(search.name) {
                #expect(expected.isEmpty, "\(search.name)")
            } else {
                #expect(!expected.isEmpty, "\(search.name)")
                // A filter that keeps everything would test nothing.
                let unfiltered = Fixture.expected(TraceQuery(service: search.query.service, limit: 1000))
                if search.name != "service" { #expect(expected.count < unfiltered.count || search.query.limit < unfiltered.count, "\(search.name)") }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func resultsAreOrderedByTheirLatestMatchingSpanNewestFirst(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await kind.makeLoaded(in: directory)
        let found = try await store.findTraces(TraceQuery(service: "checkout", limit: 50)).map(\.traceID)
        #expect(found.count == 50)
        let latest = found.map { id in Fixture.spans(of: id).map(\.startTimeUnixNano).max()! }
        #expect(latest == latest.sorted(by: >))
        // The newest trace of the data set is first.
        let newest = Fixture.allSpans.filter { $0.resource.serviceName == "checkout" }.max { $0.span.startTimeUnixNano < $1.span.startTimeUnixNano }!
        #expect(found.first == newest.span.traceID)
    }

    @Test(arguments: StoreKind.allCases)
    func servicesAndOperationsListWhatWasWritten(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await kind.makeLoaded(in: directory)
        let services = try await store.services()
        #expect(services == Set(Fixture.allSpans.map(\.resource.serviceName)).sorted())
        let operations = try await store.operations(service: "demo-service")
        let expected = Set(Fixture.allSpans.filter { $0.resource.serviceName == "demo-service" }.map { TrellisStorage.Operation(name: $0.span.name, kind: $0.span.kind) }).sorted()
        #expect(operations == expected)
        #expect(operations.contains(TrellisStorage.Operation(name: "GET", kind: .client)))
        #expect(try await store.operations(service: "nobody").isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func everyTraceComesBackWhole(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await kind.makeLoaded(in: directory)
        for id in Fixture.traceIDs.prefix(60) + Fixture.traceIDs.suffix(60) {
            let trace = try await store.trace(id)
            #expect(spanIDs(trace) == Fixture.spans(of: id).map(\.spanID).sorted())
            // Spans keep their resource: every span sits under its service's resource.
            for (resource, span) in trace?.flattened.map({ ($0.resource, $0.span) }) ?? [] {
                let original = Fixture.allSpans.first { $0.span.spanID == span.spanID }!
                #expect(resource == original.resource)
                #expect(span == original.span)
            }
        }
        #expect(try await store.trace(TraceID(high: 1, low: 2)) == nil)
    }
}
