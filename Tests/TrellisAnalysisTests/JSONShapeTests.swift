import Foundation
import Testing
import TrellisAnalysis

/// The property names are the HTTP API: these pin the JSON the query layer sends.
@Suite struct JSONShapeTests {
    private func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func timelineSpanOfARootHasNoParentKey() throws {
        let span = TimelineSpan(spanID: "00000000000000a1", parentSpanID: nil, depth: 0, offset: 0, duration: 1_500, selfTime: 500,
                                service: "node-service", name: "GET /api/greeting", kind: "server", statusCode: "error",
                                statusMessage: "boom", onCriticalPath: true)
        #expect(try json(span) == #"{"depth":0,"duration":1500,"kind":"server","name":"GET \/api\/greeting","offset":0,"#
            + #""onCriticalPath":true,"selfTime":500,"service":"node-service","spanID":"00000000000000a1","statusCode":"error","statusMessage":"boom"}"#)
    }

    @Test func criticalPathSectionsAndSpansUseMicroseconds() throws {
        let path = CriticalPath(traceID: "ab", sections: [CriticalPathSection(spanID: "01", start: 1_714_000_000_000_000, end: 1_714_000_000_000_200)],
                                spans: [CriticalPathSpan(spanID: "01", service: "s", name: "n", selfTimeOnPath: 200)])
        #expect(try json(path) == #"{"sections":[{"end":1714000000000200,"spanID":"01","start":1714000000000000}],"#
            + #""spans":[{"name":"n","selfTimeOnPath":200,"service":"s","spanID":"01"}],"traceID":"ab"}"#)
    }

    @Test func graphNodeWithoutLatencyLeavesOutItsPercentiles() throws {
        let graph = DependencyGraph(nodes: [DependencyGraphNode(service: "frontend", spanCount: 2, errorRate: 0.5, p50: nil, p99: nil, virtual: false)],
                                    edges: [DependencyGraphEdge(parent: "a", child: "b", callCount: 3, errorCount: 1, p50: 10, p99: 20)])
        #expect(try json(graph) == #"{"edges":[{"callCount":3,"child":"b","errorCount":1,"p50":10,"p99":20,"parent":"a"}],"#
            + #""nodes":[{"errorRate":0.5,"service":"frontend","spanCount":2,"virtual":false}]}"#)
    }
}
