import Foundation
import Testing
@testable import TrellisStorage
import TrellisModel

/// Prints the archive's write rate; no timing is asserted. Runs only when
/// `TRELLIS_STORAGE_THROUGHPUT=1`, best in release:
/// `TRELLIS_STORAGE_THROUGHPUT=1 swift test -c release -Xswiftc -enable-testing --filter ArchiveThroughput`.
@Suite("Archive throughput", .enabled(if: ProcessInfo.processInfo.environment["TRELLIS_STORAGE_THROUGHPUT"] == "1"))
struct ArchiveThroughputTests {
    @Test func printsWriteThroughputInSpansPerSecond() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("throughput.db"))
        var random = SplitMix64(seed: 1)
        let generator = SyntheticTraces(spansPerTrace: 5)
        let batchSpans = 8192
        let batches = (0..<40).map { i in
            generator.request(spanCount: batchSpans, startNanos: Fixture.base + UInt64(i) * 10_000_000_000, random: &random)
        }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for batch in batches { try await archive.write(batch) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let spans = batches.count * batchSpans
        print("archive write: \(spans) spans in \(String(format: "%.2f", seconds)) s = \(Int(Double(spans) / seconds)) spans/s, \(try archive.storedBytes() / spans) bytes/span")

        let phases = batches.prefix(10)
        var pieces: [[TracePiece]] = []
        let splitTime = clock.measure { pieces = phases.map { TracePiece.split($0) } }
        var encoded: [[EncodedPiece]] = []
        let encodeTime = clock.measure {
            encoded = pieces.map { $0.map { EncodedPiece($0, indexedKeys: SQLiteArchive.defaultIndexedAttributeKeys, encoder: .init()) } }
        }
        let second = try SQLiteArchive(path: directory.file("phases.db"))
        let insertTime = try clock.measure { for write in encoded { try second.write(encoded: write) } }
        print("phases for \(phases.count * batchSpans) spans: split \(splitTime), encode \(encodeTime), SQLite insert \(insertTime)")

        let ring = RingStore(maxBytes: 1 << 30)
        let ringElapsed = try await clock.measure {
            for batch in batches { try await ring.write(batch) }
        }
        let ringSeconds = Double(ringElapsed.components.seconds) + Double(ringElapsed.components.attoseconds) / 1e18
        print("ring write: \(Int(Double(spans) / ringSeconds)) spans/s")

        let queryElapsed = try await clock.measure {
            for _ in 0..<100 { _ = try await archive.findTraceIDs(TraceQuery(service: "demo-service", attributes: [.equals("http.route", .string("/api/chain"))])) }
        }
        print("archive search (20 traces, indexed attribute): \(queryElapsed / 100) each")
    }
}
