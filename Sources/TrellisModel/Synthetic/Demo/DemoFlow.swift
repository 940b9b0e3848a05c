/// The requests of the reference deployment that `trellis demo` reproduces, each one trace.
public enum DemoFlow: String, Sendable, CaseIterable, Hashable {
    /// `GET /api/greeting?name=X`: node-service asks demo-service for a greeting.
    case greeting
    /// `POST /api/chain {depth}`: calls alternating between the two services, `depth` servers deep.
    case chain
    /// `POST /api/simulate {"scenario":"slow"}`: demo-service takes seconds to answer.
    case slow
    /// `POST /api/simulate {"scenario":"error"}`: demo-service throws and answers 500.
    case error
    /// `POST /api/simulate {"scenario":"timeout"}`: node-service gives up before demo-service answers.
    case timeout
    /// `GET /health`: the kubelet probing node-service.
    case nodeHealth
    /// `GET /actuator/health`: the kubelet probing demo-service.
    case demoHealth

    /// How often the flow is picked, out of the sum of all weights (100): mostly greetings,
    /// a steady trickle of probes, and each failure mode a few times a minute at 20 traces/s.
    public var weight: Int {
        switch self {
        case .greeting: return 60
        case .chain: return 10
        case .slow: return 6
        case .error: return 6
        case .timeout: return 3
        case .nodeHealth: return 8
        case .demoHealth: return 7
        }
    }

    /// The request as a person would name it, e.g. `POST /api/simulate slow`.
    public var label: String {
        switch self {
        case .greeting: return "GET /api/greeting"
        case .chain: return "POST /api/chain"
        case .slow: return "POST /api/simulate slow"
        case .error: return "POST /api/simulate error"
        case .timeout: return "POST /api/simulate timeout"
        case .nodeHealth: return "GET /health (node-service)"
        case .demoHealth: return "GET /actuator/health (demo-service)"
        }
    }

    /// True for the kubelet's probes, which production sampling drops.
    public var isHealthCheck: Bool { self == .nodeHealth || self == .demoHealth }

    /// A flow drawn by weight.
    static func pick(using random: inout SplitMix64) -> DemoFlow {
        var ticket = Int(random.next() % UInt64(allCases.reduce(0) { $0 + $1.weight }))
        for flow in allCases {
            if ticket < flow.weight { return flow }
            ticket -= flow.weight
        }
        return .greeting
    }
}
