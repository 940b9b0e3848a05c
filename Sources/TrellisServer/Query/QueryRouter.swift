/// Finds the route for a request: the most specific pattern matching the path, then the method
/// (a path known for other methods is 405, an unknown path 404).
public struct QueryRouter: Sendable {
    public private(set) var routes: [QueryRoute]

    public init(_ routes: [QueryRoute]) {
        self.routes = routes
    }

    /// Adds routes (such as the analysis routes) after the built-in ones.
    public mutating func add(_ more: [QueryRoute]) {
        routes += more
    }

    func resolve(method: String, path: Substring) throws(QueryError) -> (route: QueryRoute, pathParameters: [String: String]) {
        let candidates = routes.compactMap { route in route.match(path).map { (route: route, pathParameters: $0) } }
        let specific = candidates.filter { c in !candidates.contains { $0.route.isMoreSpecific(than: c.route) } }
        guard !specific.isEmpty else { throw .noRoute(String(path)) }
        guard let found = specific.first(where: { $0.route.method.rawValue == method }) else {
            throw .methodNotAllowed(method: method, allowed: specific.map(\.route.method.rawValue))
        }
        return found
    }
}
