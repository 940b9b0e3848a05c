import CoreMetrics
import Foundation
import Synchronization
import Testing
import TrellisModel
import TrellisPipeline

@Suite struct MemoryLimiterProcessorTests {
    @Test func refusesRetryablyAboveTheSoftLimitAndAcceptsAgainBelowIt() async throws {
        let accountant = MemoryAccountant()
        let sink = RecordingSink()
        let limiter = MemoryLimiterProcessor(config: MemoryLimiterConfig(limitMiB: 10, spikeLimitMiB: 2), next: sink, accountant: accountant,
                                             metrics: NOOPMetricsHandler.instance, rss: { 1 << 20 })
        #expect(limiter.softLimitBytes == 8 << 20)
        try await limiter.consume(TestBatches.make(spans: 100))
        accountant.add(9 << 20) // something downstream holds 9 MiB
        await #expect(throws: PipelineRefusal.self) { try await limiter.consume(TestBatches.make(spans: 100)) }
        accountant.remove(9 << 20)
        try await limiter.consume(TestBatches.make(spans: 100))
        #expect(sink.spans.count == 200)
        #expect(accountant.heldBytes == 0)
    }

    @Test func aCacheGivesBackWhatAHandOverNeedsBeforeItIsRefused() async throws {
        let accountant = MemoryAccountant()
        let cache = Mutex(9 << 20) // a cache (the ring) holds 9 of the 8 MiB soft limit
        accountant.add(9 << 20)
        let asked = Mutex<[Int?]>([])
        accountant.addRelief { bytes in
            asked.withLock { $0.append(bytes) }
            let freed = cache.withLock { held in
                let freed = min(held, bytes ?? held / 4)
                held -= freed
                return freed
            }
            accountant.remove(freed)
        }
        let sink = RecordingSink()
        let limiter = MemoryLimiterProcessor(config: MemoryLimiterConfig(limitMiB: 10, spikeLimitMiB: 2), next: sink, accountant: accountant,
                                             metrics: NOOPMetricsHandler.instance, rss: { 1 << 20 })
        let slices = TestBatches.make(spans: 100).slices
        try await limiter.consume(slices)
        #expect(sink.spans.count == 100)
        // It asked for what the slices need over the budget, plus a sixteenth of the soft limit.
        #expect(asked.withLock { $0 } == [(9 << 20) + slices.footprintBytes - (8 << 20) + (8 << 20) / 16])
        // Once the cache is empty, what is held in flight is refused.
        accountant.add(9 << 20)
        cache.withLock { $0 = 0 }
        await #expect(throws: PipelineRefusal.self) { try await limiter.consume(slices) }
    }

    @Test func theRestOfTheProcessShrinksWhatThePipelineMayHoldButNeverBelowAQuarter() async throws {
        func limiter(rssMiB: Int, _ accountant: MemoryAccountant) -> MemoryLimiterProcessor {
            MemoryLimiterProcessor(config: MemoryLimiterConfig(limitMiB: 100, spikeLimitMiB: 20), next: RecordingSink(),
                                   accountant: accountant, metrics: NOOPMetricsHandler.instance, rss: { rssMiB << 20 })
        }
        // RSS 50 MiB with nothing held: the pipeline may hold 80 - 50 = 30 MiB.
        let some = MemoryAccountant()
        let shared = limiter(rssMiB: 50, some)
        some.add(29 << 20)
        try await shared.consume(TestBatches.make(spans: 1))
        some.add(1 << 20)
        await #expect(throws: PipelineRefusal.overloaded(
            reason: "pipeline holds 30 MiB; with the rest of the process at 50 MiB it may hold 30 MiB under the soft limit of 80 MiB", retryAfterSeconds: 1)) {
            try await shared.consume(TestBatches.make(spans: 1))
        }
        // RSS far above the limit: the pipeline keeps a quarter of the soft limit (20 MiB).
        let floor = MemoryAccountant()
        let starved = limiter(rssMiB: 300, floor)
        floor.add(19 << 20)
        try await starved.consume(TestBatches.make(spans: 1))
        floor.add(1 << 20)
        await #expect(throws: PipelineRefusal.self) { try await starved.consume(TestBatches.make(spans: 1)) }
    }

    @Test func overTheSoftLimitTheCachesAreAskedToGiveMemoryBack() async throws {
        let accountant = MemoryAccountant()
        let asked = Atomic<Int>(0)
        accountant.addRelief { _ in asked.add(1, ordering: .relaxed) }
        var config = MemoryLimiterConfig(limitMiB: 100, spikeLimitMiB: 20)
        config.checkInterval = ConfigDuration(nanoseconds: 10_000_000)
        let limiter = MemoryLimiterProcessor(config: config, next: RecordingSink(), accountant: accountant, metrics: NOOPMetricsHandler.instance, rss: { 90 << 20 })
        for _ in 0..<500 where asked.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(asked.load(ordering: .relaxed) >= 2)
        await limiter.shutdown(deadline: .now + .seconds(30))
    }

    @Test func cachesAlsoGiveWayBeforeTheyCrowdOutDataInFlight() async throws {
        let accountant = MemoryAccountant()
        let asked = Atomic<Int>(0)
        accountant.addRelief { _ in asked.add(1, ordering: .relaxed) }
        accountant.add(70 << 20) // a cache holds 70 of the 80 MiB soft limit; RSS is low
        let config = MemoryLimiterConfig(limitMiB: 100, spikeLimitMiB: 20, checkInterval: ConfigDuration(nanoseconds: 10_000_000))
        let limiter = MemoryLimiterProcessor(config: config, next: RecordingSink(), accountant: accountant, metrics: NOOPMetricsHandler.instance, rss: { 72 << 20 })
        for _ in 0..<500 where asked.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(asked.load(ordering: .relaxed) >= 2)
        await limiter.shutdown(deadline: .now + .seconds(30))
    }

    @Test func configNeedsExactlyOneLimitAndASpikeBelowIt() throws {
        func decode(_ json: String) throws -> MemoryLimiterConfig {
            try JSONDecoder().decode(MemoryLimiterConfig.self, from: Data(json.utf8))
        }
        #expect(try decode(#"{"limit_mib": 512, "spike_limit_mib": 128, "check_interval": "1s"}"#).limits(totalMemoryBytes: 0) == (512 << 20, 384 << 20))
        #expect(try decode(#"{"limit_percentage": 50}"#).limits(totalMemoryBytes: 1000 << 20).hard == 500 << 20)
        #expect(throws: ConfigError.self) { try decode(#"{"check_interval": "1s"}"#) }
        #expect(throws: ConfigError.self) { try decode(#"{"limit_mib": 100, "spike_limit_mib": 100}"#) }
        #expect(throws: ConfigError.self) { try decode(#"{"limit_mib": 100, "limit_percentage": 10}"#) }
        #expect(throws: ConfigError.self) { try decode(#"{"limit_mb": 100}"#) }
    }
}
