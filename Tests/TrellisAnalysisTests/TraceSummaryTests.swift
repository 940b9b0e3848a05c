import Testing
import TrellisAnalysis
import TrellisModel

@Suite struct TraceSummaryTests {
    @Test func summarisesRootCountsErrorsOrphansAndServicesByName() throws {
        let batch = trace([
            span(1, service: "node-service", name: "GET /api/greeting", kind: .server, 100, 900),
            span(2, parent: 1, service: "node-service", name: "GET", kind: .client, 200, 800, status: SpanStatus(code: .error)),
            span(3, parent: 2, service: "demo-service", name: "GET /greeting", kind: .server, 250, 750),
            span(4, parent: 99, service: "demo-service", name: "late", 300, 1_200, status: SpanStatus(code: .error)),
        ])
        let summary = try #require(TraceSummary(trace: batch))
        #expect(summary.traceID == fixtureTraceID)
        #expect(summary.rootServiceName == "node-service")
        #expect(summary.rootOperationName == "GET /api/greeting")
        #expect(summary.minStartTimeUnixNano == 100_000)
        #expect(summary.maxEndTimeUnixNano == 1_200_000)
        #expect(summary.spanCount == 4)
        #expect(summary.errorSpanCount == 2)
        #expect(summary.orphanSpanCount == 1)
        #expect(summary.services == [
            TraceSummary.Service(name: "demo-service", spanCount: 2, errorSpanCount: 1),
            TraceSummary.Service(name: "node-service", spanCount: 2, errorSpanCount: 1),
        ])
    }

    @Test func aTraceWithoutARootIsNamedAfterItsEarliestSpan() throws {
        let summary = try #require(TraceSummary(trace: trace([span(7, parent: 5, name: "second", 20, 30), span(6, parent: 5, name: "first", 10, 40)])))
        #expect(summary.rootOperationName == "first")
        #expect(summary.orphanSpanCount == 2)
        #expect(TraceSummary(trace: TraceBatch(resourceSpans: [])) == nil)
    }
}
