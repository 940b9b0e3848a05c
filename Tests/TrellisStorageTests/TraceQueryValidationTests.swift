import Testing
@testable import TrellisStorage
import TrellisModel

@Suite("TraceQuery validation")
struct TraceQueryValidationTests {
    @Test func aWellFormedQueryPasses() throws {
        try TraceQuery(service: "s", minDuration: 1, maxDuration: 1, start: 5, end: 5, limit: 1).validate()
    }

    @Test func anInvertedTimeRangeIsRejected() {
        #expect(throws: StorageError.invertedTimeRange(start: 10, end: 9)) {
            try TraceQuery(service: "s", start: 10, end: 9).validate()
        }
    }

    @Test(arguments: [0, -1, Int.min])
    func aNonPositiveLimitIsRejected(limit: Int) {
        #expect(throws: StorageError.invalidLimit(limit)) {
            try TraceQuery(service: "s", limit: limit).validate()
        }
    }

    @Test func aMinimumDurationAboveTheMaximumIsRejected() {
        #expect(throws: StorageError.invertedDurationRange(min: 2_000, max: 1_000)) {
            try TraceQuery(service: "s", minDuration: 2_000, maxDuration: 1_000).validate()
        }
    }

    @Test func aMissingServiceIsRejected() {
        #expect(throws: StorageError.missingService) { try TraceQuery(service: "").validate() }
    }

    @Test func orderingComparisonsOnStringsOrBoolsAreRejected() {
        #expect(throws: StorageError.self) {
            try TraceQuery(service: "s", attributes: [AttributeFilter("http.route", .greaterThan, .string("/a"))]).validate()
        }
        #expect(throws: StorageError.self) {
            try TraceQuery(service: "s", attributes: [AttributeFilter("error", .lessThan, .bool(true))]).validate()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyStoreRejectsBadQueriesWithTypedErrors(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await kind.makeLoaded(in: directory)
        await #expect(throws: StorageError.invalidLimit(0)) {
            _ = try await store.findTraces(TraceQuery(service: "node-service", limit: 0))
        }
        await #expect(throws: StorageError.invertedTimeRange(start: 2, end: 1)) {
            _ = try await store.findTraces(TraceQuery(service: "node-service", start: 2, end: 1))
        }
        await #expect(throws: StorageError.invertedDurationRange(min: 9, max: 3)) {
            _ = try await store.findTraces(TraceQuery(service: "node-service", minDuration: 9, maxDuration: 3))
        }
    }

    @Test func errorsExplainThemselves() {
        #expect(StorageError.newerSchema(found: 7, supported: 1).description.contains("newer"))
        #expect(StorageError.invalidLimit(0).description.contains("limit"))
    }
}
