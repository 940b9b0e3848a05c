import Testing
@testable import TrellisServer

@Suite struct GraphLayoutTests {
    @Test func aCallChainRunsLeftToRightOneColumnPerHop() {
        let layout = GraphLayout(nodes: ["db", "demo-service", "node-service"],
                                 edges: [("node-service", "demo-service", 1), ("demo-service", "db", 1)])
        #expect(layout.column == ["node-service": 0, "demo-service": 1, "db": 2])
        #expect(layout.row == ["node-service": 0, "demo-service": 0, "db": 0])
        #expect(layout.size == (columns: 3, rows: 1))
    }

    @Test func aNodeSitsOneColumnPastItsLongestChainOfCallers() {
        // gateway calls both api and cache; api calls cache too, so cache is two hops in.
        let layout = GraphLayout(nodes: ["api", "cache", "gateway"], edges: [("gateway", "cache", 1), ("gateway", "api", 1), ("api", "cache", 1)])
        #expect(layout.column == ["gateway": 0, "api": 1, "cache": 2])
    }

    @Test func aCycleStillGetsALayoutWithTheUncalledNodeFirst() {
        // node-service → demo-service → node-service (the demo's chain flow), entered from web.
        let layout = GraphLayout(nodes: ["demo-service", "node-service", "web"],
                                 edges: [("web", "node-service", 1), ("node-service", "demo-service", 1), ("demo-service", "node-service", 1), ("demo-service", "demo-service", 1)])
        #expect(layout.column == ["web": 0, "node-service": 1, "demo-service": 2])
        #expect(layout.cycleEdges == [["demo-service", "node-service"]])
        // With no uncalled node, the one that calls more than it is called starts; on a tie, the first name.
        let pair = GraphLayout(nodes: ["demo-service", "node-service"], edges: [("node-service", "demo-service", 188), ("demo-service", "node-service", 27)])
        #expect(pair.column == ["node-service": 0, "demo-service": 1])
        let ring = GraphLayout(nodes: ["a", "b"], edges: [("a", "b", 1), ("b", "a", 1)])
        #expect(ring.column == ["a": 0, "b": 1])
    }

    @Test func rowsFollowTheirCallersThenNames() {
        let layout = GraphLayout(nodes: ["x", "y", "x-db", "y-db", "alone"],
                                 edges: [("x", "x-db", 1), ("y", "y-db", 1)])
        #expect(layout.row["alone"] == 0 && layout.row["x"] == 1 && layout.row["y"] == 2)
        // Rows follow the callers' rows even against name order.
        let swapped = GraphLayout(nodes: ["x", "y", "a-db", "b-db"], edges: [("x", "b-db", 1), ("y", "a-db", 1)])
        #expect(swapped.row == ["x": 0, "y": 1, "b-db": 0, "a-db": 1])
        #expect(swapped.size == (columns: 2, rows: 2))
    }
}
