import Logging
import Testing
import TrellisModel
@testable import TrellisApp

@Suite struct LoadBalancingTests {
    private static func keys(_ count: Int) -> [[UInt8]] {
        (0..<count).map { TraceID(high: UInt64($0) &* 0x9E37_79B9_7F4A_7C15, low: UInt64($0)).bytes }
    }

    @Test func everyBackendGetsAShareAndTheSameBackendsRouteTheSameWay() {
        let ring = ConsistentHashRing(backends: ["b:4317", "a:4317", "c:4317", "a:4317"])
        #expect(ring.backends == ["a:4317", "b:4317", "c:4317"])
        let keys = Self.keys(30_000)
        var shares: [String: Int] = [:]
        for key in keys { shares[ring.backend(for: key)!, default: 0] += 1 }
        #expect(shares.count == 3)
        #expect(shares.values.allSatisfy { (7_000...13_000).contains($0) }, "\(shares)")
        let again = ConsistentHashRing(backends: ["c:4317", "b:4317", "a:4317"])
        #expect(keys.allSatisfy { ring.backend(for: $0) == again.backend(for: $0) })
        #expect(ConsistentHashRing(backends: []).backend(for: [1]) == nil)
    }

    @Test func addingOrRemovingOneOfNBackendsMovesAboutOneNthOfTheKeysAndOnlyThose() {
        let three = ConsistentHashRing(backends: ["a:1", "b:1", "c:1"])
        let four = ConsistentHashRing(backends: ["a:1", "b:1", "c:1", "d:1"])
        let keys = Self.keys(30_000)
        let moved = keys.filter { three.backend(for: $0) != four.backend(for: $0) }
        #expect(moved.allSatisfy { four.backend(for: $0) == "d:1" })
        #expect((0.17...0.33).contains(Double(moved.count) / Double(keys.count)), "\(moved.count)")
        let two = ConsistentHashRing(backends: ["a:1", "c:1"])
        let lost = keys.filter { three.backend(for: $0) != two.backend(for: $0) }
        #expect(lost.allSatisfy { three.backend(for: $0) == "b:1" })
    }

    @Test func theCollectorsKeysAreReadAndBadOnesNamed() throws {
        let yaml = """
            receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
            exporters:
              loadbalancing:
                routing_key: service
                protocol: { otlp: { timeout: 2s, compression: none, tls: { insecure: true },
                                    retry_on_failure: { initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 20s } } }
                resolver: { static: { hostnames: [127.0.0.1:14317, sampler-2] } }
            service: { pipelines: { traces: { receivers: [otlp], exporters: [loadbalancing] } } }
            """
        guard case .loadBalancing(let settings) = try TrellisConfig.parse(yaml).exporters[0].config else { Issue.record("not loadbalancing"); return }
        #expect(settings.routingKey == .service && !settings.gzip && settings.timeout == .seconds(2))
        #expect(settings.initialInterval == .milliseconds(100) && settings.maxInterval == .seconds(1) && settings.maxElapsedTime == .seconds(20))
        #expect(settings.resolver == .fixed(hostnames: [Endpoint(host: "127.0.0.1", port: 14317), Endpoint(host: "sampler-2", port: 4317)]))

        func error(_ body: String) -> String {
            do {
                _ = try TrellisConfig.parse("""
                    receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
                    exporters: { loadbalancing: \(body) }
                    service: { pipelines: { traces: { receivers: [otlp], exporters: [loadbalancing] } } }
                    """)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(error("{ resolver: { dns: { hostname: samplers } } }").isEmpty)
        #expect(error("{ protocol: { otlp: {} } }").contains("exporters.loadbalancing.resolver"))
        #expect(error("{ resolver: { static: { hostnames: [] } } }").contains("resolver.static.hostnames"))
        #expect(error("{ resolver: { static: { hostnames: [a:1] }, dns: { hostname: b } } }").contains("exactly one of static and dns"))
        #expect(error("{ routing_key: spanID, resolver: { static: { hostnames: [a:1] } } }").contains("routing_key"))
        #expect(error("{ protocol: { otlp: { tls: { insecure: false } } }, resolver: { static: { hostnames: [a:1] } } }").contains("tls.insecure"))
        #expect(error("{ protocol: { otlp: { endpoint: x:1 } }, resolver: { static: { hostnames: [a:1] } } }").contains("protocol.otlp.endpoint"))
        #expect(error("{ resolver: { dns: { hostname: b, port: 0 } } }").contains("resolver.dns.port"))
        #expect(error("{ resolver: { static: { hostnames: [a:1, \":2\"] } } }").contains("resolver.static.hostnames[1]"))
    }

    @Test func theDNSResolverListsTheAddressesANameHas() async throws {
        let addresses = try #require(await BackendResolver.lookup("localhost", timeout: .seconds(5)))
        #expect(addresses.contains("127.0.0.1"))
        #expect(await BackendResolver.lookup("name.invalid", timeout: .seconds(5)) == nil)
    }
}
