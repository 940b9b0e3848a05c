/// The two services of the reference deployment, each in its own Kubernetes namespace and
/// auto-instrumented by the OpenTelemetry operator: a NestJS app under the Node.js agent and a
/// Spring Boot app under the Java agent.
public enum DemoService: String, Sendable, CaseIterable, Hashable {
    case node = "node-service"
    case demo = "demo-service"

    /// The `service.name` (also the namespace, deployment and container name).
    public var name: String { rawValue }

    /// The port the app listens on.
    public var port: Int64 { self == .node ? 3000 : 8080 }

    /// The cluster DNS name callers use (`service.namespace.svc.cluster.local`).
    public var host: String { "\(rawValue).\(rawValue).svc.cluster.local" }

    /// The Kubernetes Service's cluster IP, which a caller's socket connects to.
    var clusterIP: String { self == .node ? "10.96.112.34" : "10.96.201.7" }

    /// The deployment's two replicas.
    public var pods: [DemoPod] {
        switch self {
        case .node:
            return [DemoPod(service: self, replicaSet: "node-service-6f7c9d8b5", suffix: "x2lqp", ip: "10.244.1.17", node: "kind-worker", pid: 18),
                    DemoPod(service: self, replicaSet: "node-service-6f7c9d8b5", suffix: "k8w4n", ip: "10.244.2.23", node: "kind-worker2", pid: 18)]
        case .demo:
            return [DemoPod(service: self, replicaSet: "demo-service-84b5d7f9c6", suffix: "t9zrm", ip: "10.244.2.31", node: "kind-worker2", pid: 7),
                    DemoPod(service: self, replicaSet: "demo-service-84b5d7f9c6", suffix: "q5vhd", ip: "10.244.1.29", node: "kind-worker", pid: 7)]
        }
    }
}
