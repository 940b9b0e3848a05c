import TrellisModel

/// `probabilistic`: samples `sampling_percentage` % of trace IDs, decided by a hash of the
/// trace ID alone, so every Trellis instance with the same `hash_salt` agrees on every trace.
///
/// The hash (stable across versions and platforms; change it only with a release note):
/// 1. FNV-1a 64 (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) over the salt's
///    UTF-8 bytes followed by the trace ID's 16 bytes (big-endian, as on the wire);
/// 2. the SplitMix64 finaliser on the result (`x ^= x >> 30; x *= 0xbf58476d1ce4e5b9;
///    x ^= x >> 27; x *= 0x94d049bb133111eb; x ^= x >> 31`), to spread FNV's low-entropy bits;
/// 3. sampled when the 64-bit result is below `sampling_percentage / 100 × 2^64`
///    (100 % samples everything, 0 % nothing).
final class ProbabilisticPolicy: SamplingPolicy {
    private let saltState: UInt64
    private let threshold: UInt64
    private let all: Bool

    init(_ config: ProbabilisticPolicyConfig) {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in config.hashSalt.utf8 { state = Self.fnvStep(state, byte) }
        saltState = state
        all = config.samplingPercentage >= 100
        let fraction = max(0, min(100, config.samplingPercentage)) / 100
        threshold = all ? .max : UInt64(fraction * 18_446_744_073_709_551_616.0)
    }

    private static func fnvStep(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// The documented hash of a trace ID with this policy's salt.
    func hash(_ id: TraceID) -> UInt64 {
        var state = saltState
        for half in [id.high, id.low] {
            for shift in stride(from: 56, through: 0, by: -8) { state = Self.fnvStep(state, UInt8(truncatingIfNeeded: half >> UInt64(shift))) }
        }
        var x = state
        x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
        x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
        return x ^ (x >> 31)
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        if all { return .sampled }
        return hash(trace.traceID) < threshold ? .sampled : .notSampled
    }
}
