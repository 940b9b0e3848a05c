import Testing
import TrellisAnalysis
import TrellisModel

@Suite struct CriticalPathTests {
    /// The path's sections as `span:start-end`, span IDs in decimal, for compact exact expectations.
    private func sections(_ spans: [PlacedSpan]) throws -> [String] {
        try #require(CriticalPath(trace: trace(spans))).sections.map { section in
            "\(UInt64(section.spanID, radix: 16)!):\(section.start)-\(section.end)"
        }
    }

    @Test func parentOwnsTheGapsAroundSequentialChildren() throws {
        #expect(try sections([span(1, 1, 101), span(2, parent: 1, 20, 40), span(3, parent: 1, 50, 60)])
            == ["1:1-20", "2:20-40", "1:40-50", "3:50-60", "1:60-101"])
    }

    @Test func anOverlappedSiblingEndingAfterTheLastChildStartsIsOffThePath() throws {
        #expect(try sections([
            span(1, 0, 100),
            span(2, parent: 1, 10, 70),
            span(3, parent: 1, 30, 90),
            span(4, parent: 1, 5, 25),
        ]) == ["1:0-5", "4:5-25", "1:25-30", "3:30-90", "1:90-100"])
    }

    @Test func aSiblingEndingExactlyWhenTheLaterChildStartsIsNotEligible() throws {
        #expect(try sections([span(1, 0, 100), span(2, parent: 1, 20, 50), span(3, parent: 1, 50, 80)])
            == ["1:0-50", "3:50-80", "1:80-100"])
    }

    @Test func childrenEndingTogetherPreferTheEarlierStart() throws {
        #expect(try sections([span(1, 0, 100), span(2, parent: 1, 60, 80), span(3, parent: 1, 40, 80)])
            == ["1:0-40", "3:40-80", "1:80-100"])
    }

    @Test func overflowingChildrenAreClampedToTheirParent() throws {
        #expect(try sections([span(1, 10, 100), span(2, parent: 1, 0, 30), span(3, parent: 1, 80, 130)])
            == ["2:10-30", "1:30-80", "3:80-100"])
    }

    @Test func aChildWhollyOutsideItsParentIsDroppedWithItsSubtree() throws {
        #expect(try sections([
            span(1, 0, 100),
            span(2, parent: 1, 20, 40),
            span(3, parent: 1, 150, 200),
            span(4, parent: 3, 160, 170),
            span(5, parent: 1, 100, 120),
        ]) == ["1:0-20", "2:20-40", "1:40-100"])
    }

    @Test func asyncChildrenOutlivingTheirParentCountOnlyUntilItEnds() throws {
        #expect(try sections([
            span(1, service: "node-service", kind: .server, 0, 50),
            span(2, parent: 1, service: "node-service", 10, 200),
            span(3, parent: 2, service: "node-service", 150, 190),
        ]) == ["1:0-10", "2:10-50"])
    }

    @Test func consumersOfAProducerArePrunedWithTheirSubtree() throws {
        #expect(try sections([
            span(1, service: "node-service", kind: .server, 0, 100),
            span(2, parent: 1, service: "node-service", kind: .producer, 10, 40),
            span(3, parent: 2, service: "demo-service", kind: .consumer, 30, 90),
            span(4, parent: 3, service: "demo-service", 35, 39),
        ]) == ["1:0-10", "2:10-40", "1:40-100"])
    }

    @Test func aConsumerUnderAnotherKindOfParentStaysOnThePath() throws {
        #expect(try sections([
            span(1, service: "node-service", kind: .server, 0, 100),
            span(2, parent: 1, service: "demo-service", kind: .consumer, 30, 90),
        ]) == ["1:0-30", "2:30-90", "1:90-100"])
    }

    @Test func nestedSpansHandTheirMiddleToTheDeepest() throws {
        #expect(try sections([
            span(1, 0, 100),
            span(2, parent: 1, 10, 90),
            span(3, parent: 2, 20, 80),
            span(4, parent: 3, 30, 70),
        ]) == ["1:0-10", "2:10-20", "3:20-30", "4:30-70", "3:70-80", "2:80-90", "1:90-100"])
    }

    @Test func eachRootContributesItsOwnPathInStartOrder() throws {
        #expect(try sections([
            span(5, 30, 100),
            span(1, 0, 50),
            span(2, parent: 1, 10, 20),
            span(7, parent: 6, 60, 70),
        ]) == ["1:0-10", "2:10-20", "1:20-50", "5:30-100", "7:60-70"])
    }

    @Test func aSingleSpanIsItsWholePath() throws {
        let path = try #require(CriticalPath(trace: trace([span(1, service: "node-service", name: "GET /healthz", 5, 25)])))
        #expect(path.sections == [CriticalPathSection(spanID: hex(1), start: 5, end: 25)])
        #expect(path.spans == [CriticalPathSpan(spanID: hex(1), service: "node-service", name: "GET /healthz", selfTimeOnPath: 20)])
    }

    @Test func emptySectionsAreSkippedAndAdjacentOnesOfASpanJoined() throws {
        #expect(try sections([span(1, 0, 100), span(2, parent: 1, 50, 100), span(3, parent: 1, 20, 20)])
            == ["1:0-50", "2:50-100"])
        #expect(try sections([span(1, 0, 100), span(2, parent: 1, 50, 50)]) == ["1:0-100"])
    }

    @Test func greetingPathRunsThroughBothServicesAndTotalsEachSpan() throws {
        let path = try #require(CriticalPath(trace: greetingTrace()))
        #expect(path.traceID == "5b8efff798038103d269b633813fc60c")
        #expect(path.sections == [
            CriticalPathSection(spanID: hex(1), start: demoStart, end: demoStart + 200),
            CriticalPathSection(spanID: hex(5), start: demoStart + 200, end: demoStart + 800),
            CriticalPathSection(spanID: hex(1), start: demoStart + 800, end: demoStart + 1_000),
            CriticalPathSection(spanID: hex(2), start: demoStart + 1_000, end: demoStart + 3_000),
            CriticalPathSection(spanID: hex(3), start: demoStart + 3_000, end: demoStart + 5_000),
            CriticalPathSection(spanID: hex(4), start: demoStart + 5_000, end: demoStart + 40_000),
            CriticalPathSection(spanID: hex(3), start: demoStart + 40_000, end: demoStart + 43_000),
            CriticalPathSection(spanID: hex(2), start: demoStart + 43_000, end: demoStart + 45_000),
            CriticalPathSection(spanID: hex(1), start: demoStart + 45_000, end: demoStart + 48_000),
        ])
        #expect(path.spans == [
            CriticalPathSpan(spanID: hex(4), service: "demo-service", name: "GreetingController.greeting", selfTimeOnPath: 35_000),
            CriticalPathSpan(spanID: hex(3), service: "demo-service", name: "GET /api/greeting", selfTimeOnPath: 5_000),
            CriticalPathSpan(spanID: hex(2), service: "node-service", name: "GET", selfTimeOnPath: 4_000),
            CriticalPathSpan(spanID: hex(1), service: "node-service", name: "GET /api/greeting", selfTimeOnPath: 3_400),
            CriticalPathSpan(spanID: hex(5), service: "node-service", name: "middleware - query", selfTimeOnPath: 600),
        ])
    }

    @Test func theTimelineMarksExactlyTheSpansOnThePath() throws {
        let spans = [span(1, 0, 100), span(2, parent: 1, 10, 70), span(3, parent: 1, 30, 90), span(4, parent: 1, 5, 25)]
        let timeline = try #require(Timeline(trace: trace(spans)))
        #expect(timeline.spans.filter(\.onCriticalPath).map(\.spanID) == [hex(1), hex(4), hex(3)])
    }

    @Test func anEmptyBatchHasNoCriticalPath() {
        #expect(CriticalPath(trace: TraceBatch()) == nil)
    }
}
