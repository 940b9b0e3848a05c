import Foundation
import Testing
import TrellisModel
@testable import TrellisPipeline

@Suite("Tail sampling config")
struct TailSamplingConfigTests {
    private func decode(_ json: String) throws -> TailSamplingConfig {
        try JSONDecoder().decode(TailSamplingConfig.self, from: Data(json.utf8))
    }

    private func configError(_ json: String) -> ConfigError? {
        do {
            _ = try decode(json)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("expected a ConfigError, got \(error)")
            return nil
        }
    }

    @Test func decodesACollectorConfigWithEveryPolicyType() throws {
        let config = try decode("""
        {
          "decision_wait": "5s", "num_traces": 100000, "expected_new_traces_per_sec": 2000,
          "decision_cache": { "sampled_cache_size": 1000000, "non_sampled_cache_size": 500000 },
          "decision_wait_after_root_received": "1s",
          "policies": [
            { "name": "all", "type": "always_sample" },
            { "name": "slow", "type": "latency", "latency": { "threshold_ms": 500, "upper_threshold_ms": 5000 } },
            { "name": "errors", "type": "status_code", "status_code": { "status_codes": ["ERROR", "UNSET"] } },
            { "name": "routes", "type": "string_attribute", "string_attribute": { "key": "http.route", "values": ["^/api/.*$"], "enabled_regex_matching": true, "cache_max_size": 10, "invert_match": true } },
            { "name": "codes", "type": "numeric_attribute", "numeric_attribute": { "key": "http.response.status_code", "min_value": 500, "max_value": 599 } },
            { "name": "flag", "type": "boolean_attribute", "boolean_attribute": { "key": "keep", "value": true } },
            { "name": "tenth", "type": "probabilistic", "probabilistic": { "sampling_percentage": 10, "hash_salt": "s" } },
            { "name": "rate", "type": "rate_limiting", "rate_limiting": { "spans_per_second": 100 } },
            { "name": "bytes", "type": "bytes_limiting", "bytes_limiting": { "bytes_per_second": 1024 } },
            { "name": "count", "type": "span_count", "span_count": { "min_spans": 2, "max_spans": 50 } },
            { "name": "ts", "type": "trace_state", "trace_state": { "key": "rojo", "values": ["1"] } },
            { "name": "both", "type": "and", "and": { "and_sub_policy": [
                { "name": "a", "type": "always_sample" }, { "name": "b", "type": "span_count", "span_count": { "min_spans": 1 } } ] } },
            { "name": "inverse", "type": "not", "not": { "not_sub_policy": { "name": "x", "type": "always_sample" } } },
            { "name": "drop-health", "type": "drop", "drop": { "drop_sub_policy": [
                { "name": "health", "type": "string_attribute", "string_attribute": { "key": "http.route", "values": ["/health"] } } ] } },
            { "name": "capped", "type": "composite", "composite": {
                "max_total_spans_per_second": 1000, "policy_order": ["e", "r"],
                "composite_sub_policy": [
                  { "name": "e", "type": "status_code", "status_code": { "status_codes": ["ERROR"] } },
                  { "name": "r", "type": "always_sample" } ],
                "rate_allocation": [ { "policy": "e", "percent": 50 }, { "policy": "r", "percent": 25 } ] } }
          ]
        }
        """)
        #expect(config.decisionWait == .seconds(5))
        #expect(config.numTraces == 100_000)
        #expect(config.expectedNewTracesPerSec == 2000)
        #expect(config.decisionCache == DecisionCacheConfig(sampledCacheSize: 1_000_000, nonSampledCacheSize: 500_000))
        #expect(config.decisionWaitAfterRootReceived == .seconds(1))
        #expect(config.policies.count == 15)
        #expect(config.policies[1].policy == .latency(LatencyPolicyConfig(thresholdMs: 500, upperThresholdMs: 5000)))
        #expect(config.policies[2].policy == .statusCode(StatusCodePolicyConfig(statusCodes: [.error, .unset])))
        #expect(config.policies[4].policy == .numericAttribute(NumericAttributePolicyConfig(key: "http.response.status_code", minValue: 500, maxValue: 599)))
        #expect(config.policies[8].policy == .bytesLimiting(BytesLimitingPolicyConfig(bytesPerSecond: 1024, burstCapacity: 2048)))
        #expect(config.policies[12].policy == .not(SamplingPolicyConfig(name: "x", .alwaysSample)))
        guard case .composite(let composite) = config.policies[14].policy else { Issue.record("not a composite"); return }
        #expect(composite.policyOrder == ["e", "r"])
        #expect(composite.rateAllocation == [.init(policy: "e", percent: 50), .init(policy: "r", percent: 25)])
    }

    @Test func appliesTheCollectorDefaults() throws {
        let config = try decode(#"{ "policies": [ { "name": "all", "type": "always_sample" } ] }"#)
        #expect(config.decisionWait == .seconds(30))
        #expect(config.numTraces == 50_000)
        #expect(config.expectedNewTracesPerSec == 0)
        #expect(config.decisionCache == DecisionCacheConfig(sampledCacheSize: 0, nonSampledCacheSize: 0))
        #expect(config.decisionWaitAfterRootReceived == nil)
    }

    @Test func rejectsUnknownKeysNamingTheirPath() {
        #expect(configError(#"{ "decision_wiat": "5s", "policies": [] }"#) == .unknownKey(
            path: "decision_wiat",
            allowed: ["decision_cache", "decision_wait", "decision_wait_after_root_received", "expected_new_traces_per_sec", "num_traces", "policies"]))
        let nested = configError(#"{ "policies": [ { "name": "s", "type": "latency", "latency": { "threshold": 5 } } ] }"#)
        #expect(nested == .unknownKey(path: "policies[0].latency.threshold", allowed: ["threshold_ms", "upper_threshold_ms"]))
        let deep = configError(#"{ "policies": [ { "name": "d", "type": "drop", "drop": { "drop_sub_policy": [ { "name": "x", "type": "always_sample", "colour": 1 } ] } } ] }"#)
        if case .unknownKey(let path, _) = deep { #expect(path == "policies[0].drop.drop_sub_policy[0].colour") } else { Issue.record("got \(String(describing: deep))") }
    }

    @Test func rejectsBadValuesNamingTheKey() {
        func path(_ json: String) -> String? {
            switch configError(json) {
            case .invalidValue(let path, _), .missingKey(let path), .unknownKey(let path, _): return path
            default: return nil
            }
        }
        #expect(path(#"{ "decision_wait": "soon", "policies": [] }"#) == "decision_wait")
        #expect(path(#"{ "policies": [] }"#) == "policies")
        #expect(path(#"{ "num_traces": 0, "policies": [ { "name": "a", "type": "always_sample" } ] }"#) == "num_traces")
        #expect(path(#"{ "policies": [ { "name": "a", "type": "always_sample" }, { "name": "a", "type": "always_sample" } ] }"#) == "policies[1].name")
        #expect(path(#"{ "policies": [ { "name": "p", "type": "probabilistic", "probabilistic": { "sampling_percentage": 120 } } ] }"#) == "policies[0].probabilistic.sampling_percentage")
        #expect(path(#"{ "policies": [ { "name": "r", "type": "string_attribute", "string_attribute": { "key": "k", "values": ["ok", "(unclosed"], "enabled_regex_matching": true } } ] }"#) == "policies[0].string_attribute.values[1]")
        #expect(path(#"{ "policies": [ { "name": "s", "type": "status_code", "status_code": { "status_codes": ["FAILED"] } } ] }"#) == "policies[0].status_code.status_codes[0]")
        #expect(path(#"{ "policies": [ { "name": "s", "type": "sometimes" } ] }"#) == "policies[0].type")
        #expect(path(#"{ "policies": [ { "name": "s", "type": "latency" } ] }"#) == "policies[0].latency")
        #expect(path(#"{ "policies": [ { "name": "s", "type": "latency", "probabilistic": { "sampling_percentage": 1 } } ] }"#) == "policies[0].probabilistic")
        #expect(path(#"{ "policies": [ { "name": "s", "type": "string_attribute", "string_attribute": { "values": ["x"] } } ] }"#) == "policies[0].string_attribute.key")
        let composite = #"{ "policies": [ { "name": "c", "type": "composite", "composite": { "max_total_spans_per_second": 10, "policy_order": ["a", "ghost"], "composite_sub_policy": [ { "name": "a", "type": "always_sample" } ] } } ] }"#
        #expect(path(composite) == "policies[0].composite.policy_order[1]")
        let allocation = #"{ "policies": [ { "name": "c", "type": "composite", "composite": { "max_total_spans_per_second": 10, "composite_sub_policy": [ { "name": "a", "type": "always_sample" }, { "name": "b", "type": "always_sample" } ], "rate_allocation": [ { "policy": "a", "percent": 70 }, { "policy": "b", "percent": 40 } ] } } ] }"#
        #expect(path(allocation) == "policies[0].composite.rate_allocation")
        let unknownRef = #"{ "policies": [ { "name": "c", "type": "composite", "composite": { "max_total_spans_per_second": 10, "composite_sub_policy": [ { "name": "a", "type": "always_sample" } ], "rate_allocation": [ { "policy": "z", "percent": 10 } ] } } ] }"#
        #expect(path(unknownRef) == "policies[0].composite.rate_allocation[0].policy")
    }

    @Test func validateNamesTheSectionPathForConfigsBuiltInCode() {
        let config = TailSamplingConfig(policies: [SamplingPolicyConfig(name: "r", .rateLimiting(RateLimitingPolicyConfig(spansPerSecond: 0)))])
        #expect(throws: ConfigError.invalidValue(path: "processors.tail_sampling.policies[0].rate_limiting.spans_per_second", reason: "must be at least 1, got 0")) {
            try config.validate()
        }
    }
}
