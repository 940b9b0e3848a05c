import Glibc

/// Latencies drawn from log-normal distributions, the long-tailed shape real request times
/// have: most near the median, a few several times longer.
struct DemoLatency {
    /// The median, in nanoseconds.
    var median: Double
    /// The standard deviation of the logarithm: 0.3 is tight, 1 is very spread.
    var sigma: Double
    /// Bounds that keep a draw in the range the scenario needs.
    var range: ClosedRange<Double>

    init(medianMillis: Double, sigma: Double, millis range: ClosedRange<Double> = 0.01...600_000) {
        median = medianMillis * 1_000_000
        self.sigma = sigma
        self.range = (range.lowerBound * 1_000_000)...(range.upperBound * 1_000_000)
    }

    /// One latency in nanoseconds (Box–Muller for the normal draw).
    func draw(using random: inout SplitMix64) -> UInt64 {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let u2 = Double.random(in: 0..<1, using: &random)
        let normal = sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
        return UInt64(min(max(median * exp(sigma * normal), range.lowerBound), range.upperBound))
    }

    /// One-way network time between two pods.
    static let network = DemoLatency(medianMillis: 0.35, sigma: 0.4, millis: 0.08...5)
    /// Framework work before or after the handler (routing, serialisation, interceptors).
    static let framework = DemoLatency(medianMillis: 0.25, sigma: 0.5, millis: 0.03...8)
    /// A handler that computes its answer (greeting, chain step).
    static let handler = DemoLatency(medianMillis: 1.2, sigma: 0.6, millis: 0.1...60)
    /// A health endpoint.
    static let probe = DemoLatency(medianMillis: 0.6, sigma: 0.5, millis: 0.1...20)
    /// Spring Boot actuator's health endpoint (checks disk space and more).
    static let actuator = DemoLatency(medianMillis: 3, sigma: 0.5, millis: 0.5...80)
    /// The `slow` scenario's delay: seconds, always below node-service's client timeout.
    static let slow = DemoLatency(medianMillis: 2_200, sigma: 0.3, millis: 1_000...4_500)
    /// The `timeout` scenario's delay: well past node-service's client timeout.
    static let hang = DemoLatency(medianMillis: 7_500, sigma: 0.15, millis: 5_500...12_000)
}
