import Testing
import TrellisAnalysis
import TrellisModel

@Suite struct TimelineTests {
    @Test func greetingTraceIsShownDepthFirstWithOffsetsSelfTimesAndTheCriticalPath() throws {
        let timeline = try #require(Timeline(trace: greetingTrace()))
        #expect(timeline.traceID == "5b8efff798038103d269b633813fc60c")
        #expect(timeline.start == demoStart)
        #expect(timeline.duration == 48_000)
        #expect(timeline.spanCount == 5)
        #expect(timeline.errorCount == 0)
        #expect(timeline.services == [ServiceSpanCount(service: "demo-service", spanCount: 2),
                                      ServiceSpanCount(service: "node-service", spanCount: 3)])
        #expect(timeline.warnings == [])
        #expect(timeline.spans == [
            TimelineSpan(spanID: hex(1), parentSpanID: nil, depth: 0, offset: 0, duration: 48_000, selfTime: 3_400,
                         service: "node-service", name: "GET /api/greeting", kind: "server", statusCode: "unset",
                         statusMessage: "", onCriticalPath: true),
            TimelineSpan(spanID: hex(5), parentSpanID: hex(1), depth: 1, offset: 200, duration: 600, selfTime: 600,
                         service: "node-service", name: "middleware - query", kind: "internal", statusCode: "unset",
                         statusMessage: "", onCriticalPath: true),
            TimelineSpan(spanID: hex(2), parentSpanID: hex(1), depth: 1, offset: 1_000, duration: 44_000, selfTime: 4_000,
                         service: "node-service", name: "GET", kind: "client", statusCode: "unset",
                         statusMessage: "", onCriticalPath: true),
            TimelineSpan(spanID: hex(3), parentSpanID: hex(2), depth: 2, offset: 3_000, duration: 40_000, selfTime: 5_000,
                         service: "demo-service", name: "GET /api/greeting", kind: "server", statusCode: "unset",
                         statusMessage: "", onCriticalPath: true),
            TimelineSpan(spanID: hex(4), parentSpanID: hex(3), depth: 3, offset: 5_000, duration: 35_000, selfTime: 35_000,
                         service: "demo-service", name: "GreetingController.greeting", kind: "internal", statusCode: "unset",
                         statusMessage: "", onCriticalPath: true),
        ])
    }

    @Test func simulatedErrorIsCountedAndCarriesItsStatus() throws {
        let failure = SpanStatus(code: .error, message: "Simulated failure")
        let timeline = try #require(Timeline(trace: trace([
            span(1, service: "node-service", name: "POST /api/simulate", kind: .server, 0, 20_000, status: SpanStatus(code: .error)),
            span(2, parent: 1, service: "node-service", name: "POST", kind: .client, 500, 19_000, status: SpanStatus(code: .error)),
            span(3, parent: 2, service: "demo-service", name: "POST /api/simulate", kind: .server, 2_000, 18_000, status: failure),
            span(4, parent: 3, service: "demo-service", name: "SimulateController.simulate", 2_500, 17_000, status: SpanStatus(code: .ok)),
        ])))
        #expect(timeline.errorCount == 3)
        #expect(timeline.spans.map(\.statusCode) == ["error", "error", "error", "ok"])
        #expect(timeline.spans.map(\.statusMessage) == ["", "", "Simulated failure", ""])
    }

    @Test func childrenAreOrderedByStartThenSpanID() throws {
        let timeline = try #require(Timeline(trace: trace([
            span(1, 0, 100),
            span(9, parent: 1, 30, 40),
            span(7, parent: 1, 10, 20),
            span(8, parent: 1, 10, 15),
            span(6, parent: 8, 11, 12),
        ])))
        #expect(timeline.spans.map(\.spanID) == [hex(1), hex(7), hex(8), hex(6), hex(9)])
        #expect(timeline.spans.map(\.depth) == [0, 1, 1, 2, 1])
    }

    @Test func selfTimeSubtractsTheUnionOfChildrenClippedToTheSpan() throws {
        let timeline = try #require(Timeline(trace: trace([
            span(1, 100, 200),
            span(2, parent: 1, 90, 120),
            span(3, parent: 1, 110, 130),
            span(4, parent: 1, 150, 160),
            span(5, parent: 1, 155, 250),
        ])))
        // Covered: 100–130 and 150–200, so 80 µs of 100.
        #expect(timeline.spans.first?.selfTime == 20)
        #expect(timeline.duration == 160)
    }

    @Test func spansWithAMissingParentAreRootsWithAWarning() throws {
        let timeline = try #require(Timeline(trace: trace([
            span(1, service: "node-service", kind: .server, 0, 50),
            span(3, parent: 2, service: "demo-service", kind: .server, 60, 90),
            span(4, parent: 3, service: "demo-service", 70, 80),
        ])))
        #expect(timeline.spans.map(\.spanID) == [hex(1), hex(3), hex(4)])
        #expect(timeline.spans.map(\.parentSpanID) == [nil, nil, hex(3)])
        #expect(timeline.spans.map(\.depth) == [0, 0, 1])
        #expect(timeline.spans.map(\.onCriticalPath) == [true, true, true])
        #expect(timeline.warnings == [
            "span 0000000000000003 (demo-service) has parent 0000000000000002, which is not in the trace; it is shown as a root",
        ])
    }

    @Test func serverStartingBeforeItsClientParentIsClockSkew() throws {
        let timeline = try #require(Timeline(trace: greetingTrace(serverStart: 500, serverEnd: 43_000)))
        #expect(timeline.warnings == [
            "clock skew: span 0000000000000003 (demo-service) starts 500 µs before its parent 0000000000000002 (node-service)",
        ])
    }

    @Test func serverEndingAfterItsClientParentIsClockSkew() throws {
        let timeline = try #require(Timeline(trace: greetingTrace(serverStart: 3_000, serverEnd: 46_000)))
        #expect(timeline.warnings == [
            "clock skew: server span 0000000000000003 (demo-service) ends 1000 µs after its client parent 0000000000000002 (node-service)",
        ])
    }

    @Test func childrenOutlivingOrPrecedingAParentOnTheSameServiceOrAsynchronouslyAreNotSkew() throws {
        let timeline = try #require(Timeline(trace: trace([
            span(1, service: "node-service", kind: .server, 100, 200),
            span(2, parent: 1, service: "node-service", 90, 150),
            span(3, parent: 1, service: "node-service", kind: .producer, 150, 160),
            span(4, parent: 3, service: "demo-service", kind: .consumer, 170, 400),
        ])))
        #expect(timeline.warnings == [])
    }

    @Test func parentCyclesAreCutAtTheirEarliestSpan() throws {
        let timeline = try #require(Timeline(trace: trace([
            span(1, 0, 100),
            span(2, parent: 3, 20, 30),
            span(3, parent: 2, 10, 40),
            span(4, parent: 4, 50, 60),
        ])))
        #expect(timeline.spans.map(\.spanID) == [hex(1), hex(4), hex(3), hex(2)])
        #expect(timeline.spans.map(\.depth) == [0, 0, 0, 1])
        #expect(timeline.warnings == [
            "span 0000000000000004 (svc) is its own parent; it is shown as a root",
            "span 0000000000000003 (svc) is part of a parent cycle; it is shown as a root",
        ])
    }

    @Test func aRepeatedSpanIDKeepsTheFirstSpan() throws {
        let timeline = try #require(Timeline(trace: trace([
            span(1, name: "first", 0, 100),
            span(1, name: "second", 0, 300),
        ])))
        #expect(timeline.spans.map(\.name) == ["first"])
        #expect(timeline.duration == 100)
        #expect(timeline.warnings == ["span 0000000000000001 occurs more than once; the first one is shown"])
    }

    @Test func timesAreTruncatedToMicrosecondsAsJaegerDoes() throws {
        var batch = trace([span(1, 0, 0), span(2, parent: 1, 0, 0)])
        batch.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano = 1_999
        batch.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano = 10_998
        batch.resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano = 4_500
        batch.resourceSpans[0].scopeSpans[0].spans[1].endTimeUnixNano = 3_000
        let timeline = try #require(Timeline(trace: batch))
        #expect(timeline.start == 1)
        #expect(timeline.duration == 8)
        #expect(timeline.spans.map(\.offset) == [0, 3])
        #expect(timeline.spans.map(\.duration) == [8, 0])
    }

    @Test func anEmptyBatchHasNoTimeline() {
        #expect(Timeline(trace: TraceBatch()) == nil)
    }
}
