/// One HTTP request of a demo trace and how each agent writes it into span attributes: the
/// Node.js agent (instrumentation-http 0.57) with the older HTTP semantic conventions, the
/// Java agent (2.x) with the stable ones.
struct DemoExchange {
    /// The calling side: a pod of the other service, or a client outside both.
    struct Peer {
        var ip: String
        var port: Int64
        var userAgent: String
    }

    var method: String
    /// The route template, e.g. `/api/greeting`.
    var route: String
    var path: String
    var query: String?
    /// The request body, for POSTs.
    var body: String?
    var server: DemoService
    var client: Peer
    /// The response status; nil when the client gave up before an answer.
    var status: Int?
    var responseLength: Int

    init(_ action: DemoAction, to server: DemoService, from client: Peer) {
        self.server = server
        self.client = client
        route = action.route(on: server)
        path = route
        status = nil
        responseLength = 0
        switch action {
        case .greeting(let name):
            method = "GET"
            query = "name=\(name)"
        case .chain(let depth):
            method = "POST"
            body = "{\"depth\":\(depth)}"
        case .simulate(let scenario):
            method = "POST"
            body = "{\"scenario\":\"\(scenario.rawValue)\"}"
        case .health:
            method = "GET"
        }
    }

    var target: String { query.map { "\(path)?\($0)" } ?? path }
    private var hostAndPort: String { "\(server.host):\(server.port)" }
    var url: String { "http://\(hostAndPort)\(target)" }

    /// The SERVER span's attributes as the Node.js agent writes them; the express
    /// instrumentation adds `http.route`.
    func nodeServerAttributes(pod: DemoPod) -> [Attribute] {
        var attributes = [
            Attribute("http.url", .string(url)),
            Attribute("http.host", .string(hostAndPort)),
            Attribute("net.host.name", .string(server.host)),
            Attribute("http.method", .string(method)),
            Attribute("http.scheme", .string("http")),
            Attribute("http.target", .string(target)),
            Attribute("http.user_agent", .string(client.userAgent)),
        ]
        if let body { attributes.append(Attribute("http.request_content_length_uncompressed", .int(Int64(body.utf8.count)))) }
        attributes += [
            Attribute("http.flavor", .string("1.1")),
            Attribute("net.transport", .string("ip_tcp")),
            Attribute("net.host.ip", .string("::ffff:\(pod.ip)")),
            Attribute("net.host.port", .int(server.port)),
            Attribute("net.peer.ip", .string("::ffff:\(client.ip)")),
            Attribute("net.peer.port", .int(client.port)),
        ]
        return attributes + nodeStatusAttributes + [Attribute("http.route", .string(route))]
    }

    /// The CLIENT span's attributes as the Node.js agent writes them for an axios call.
    var nodeClientAttributes: [Attribute] {
        var attributes = [
            Attribute("http.url", .string(url)),
            Attribute("http.method", .string(method)),
            Attribute("http.target", .string(target)),
            Attribute("net.peer.name", .string(server.host)),
            Attribute("http.host", .string(hostAndPort)),
            Attribute("http.user_agent", .string(client.userAgent)),
            Attribute("net.peer.ip", .string(server.clusterIP)),
            Attribute("net.peer.port", .int(server.port)),
        ]
        if status != nil {
            attributes.append(Attribute("http.response_content_length_uncompressed", .int(Int64(responseLength))))
        }
        return attributes + nodeStatusAttributes + [Attribute("http.flavor", .string("1.1")), Attribute("net.transport", .string("ip_tcp"))]
    }

    private var nodeStatusAttributes: [Attribute] {
        guard let status else { return [] }
        return [Attribute("http.status_code", .int(Int64(status))), Attribute("http.status_text", .string(Self.reason(status).uppercased()))]
    }

    /// The Tomcat SERVER span's attributes as the Java agent writes them.
    var javaServerAttributes: [Attribute] {
        var attributes = [
            Attribute("http.request.method", .string(method)),
            Attribute("url.scheme", .string("http")),
            Attribute("url.path", .string(path)),
        ]
        if let query { attributes.append(Attribute("url.query", .string(query))) }
        attributes += [
            Attribute("http.route", .string(route)),
            Attribute("network.protocol.version", .string("1.1")),
            Attribute("server.address", .string(server.host)),
            Attribute("server.port", .int(server.port)),
            Attribute("client.address", .string(client.ip)),
            Attribute("network.peer.address", .string(client.ip)),
            Attribute("network.peer.port", .int(client.port)),
            Attribute("user_agent.original", .string(client.userAgent)),
        ]
        if let status { attributes.append(Attribute("http.response.status_code", .int(Int64(status)))) }
        return attributes
    }

    /// The CLIENT span's attributes as the Java agent writes them for `java.net.http.HttpClient`.
    var javaClientAttributes: [Attribute] {
        var attributes = [
            Attribute("http.request.method", .string(method)),
            Attribute("url.full", .string(url)),
            Attribute("server.address", .string(server.host)),
            Attribute("server.port", .int(server.port)),
            Attribute("network.protocol.version", .string("1.1")),
        ]
        if let status {
            attributes.append(Attribute("http.response.status_code", .int(Int64(status))))
            if status >= 400 { attributes.append(Attribute("error.type", .string(String(status)))) }
        }
        return attributes
    }

    /// The reason phrase of the statuses the demo produces.
    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 500: return "Internal Server Error"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}
