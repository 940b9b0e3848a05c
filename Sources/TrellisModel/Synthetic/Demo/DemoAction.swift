/// What a request of a demo flow asks the service it reaches to do.
enum DemoAction {
    /// The `scenario` of `POST /api/simulate`.
    enum Scenario: String {
        case slow
        case error
        case timeout
    }

    case greeting(name: String)
    /// `depth` is how many servers the chain still has to cross, this one included.
    case chain(depth: Int)
    case simulate(Scenario)
    case health

    /// The route template serving it on `service`.
    func route(on service: DemoService) -> String {
        switch self {
        case .greeting: return "/api/greeting"
        case .chain: return "/api/chain"
        case .simulate: return "/api/simulate"
        case .health: return service == .node ? "/health" : "/actuator/health"
        }
    }

    /// The Spring controller class and method handling it in demo-service.
    var controller: (type: String, method: String) {
        switch self {
        case .greeting: return ("GreetingController", "greeting")
        case .chain: return ("ChainController", "chain")
        case .simulate: return ("SimulateController", "simulate")
        case .health: return ("", "")
        }
    }
}
