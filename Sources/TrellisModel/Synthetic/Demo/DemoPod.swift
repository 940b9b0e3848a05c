/// One replica of a demo service, and the resource its agent reports: what the SDK's own
/// detectors find (process, host, OS, SDK) plus the `k8s.*` attributes the OpenTelemetry
/// operator injects through `OTEL_RESOURCE_ATTRIBUTES`.
public struct DemoPod: Hashable, Sendable {
    public let service: DemoService
    public let replicaSet: String
    public let suffix: String
    /// The pod IP, seen by the services it calls.
    public let ip: String
    /// The Kubernetes node it runs on.
    public let node: String
    public let pid: Int64

    /// The pod name, which is also its host name.
    public var name: String { "\(replicaSet)-\(suffix)" }

    /// The resource the agent in this pod attaches to every span.
    public var resource: Resource {
        let service = self.service.name
        var attributes = [
            Attribute("service.name", .string(service)),
            Attribute("service.version", .string(self.service == .node ? "1.3.0" : "1.2.0")),
            Attribute("service.instance.id", .string("\(service).\(name).\(service)")),
            Attribute("telemetry.sdk.name", .string("opentelemetry")),
        ]
        switch self.service {
        case .node:
            attributes += [
                Attribute("telemetry.sdk.language", .string("nodejs")),
                Attribute("telemetry.sdk.version", .string("1.30.1")),
                Attribute("process.pid", .int(pid)),
                Attribute("process.executable.name", .string("node")),
                Attribute("process.executable.path", .string("/usr/local/bin/node")),
                Attribute("process.command_args", .array(["/usr/local/bin/node", "--require",
                                                          "/otel-auto-instrumentation-nodejs/autoinstrumentation.js", "/app/dist/main.js"].map { .string($0) })),
                Attribute("process.command", .string("/app/dist/main.js")),
                Attribute("process.owner", .string("node")),
                Attribute("process.runtime.name", .string("nodejs")),
                Attribute("process.runtime.version", .string("20.18.1")),
                Attribute("process.runtime.description", .string("Node.js")),
            ]
        case .demo:
            attributes += [
                Attribute("telemetry.sdk.language", .string("java")),
                Attribute("telemetry.sdk.version", .string("1.44.1")),
                Attribute("telemetry.distro.name", .string("opentelemetry-java-instrumentation")),
                Attribute("telemetry.distro.version", .string("2.10.0")),
                Attribute("process.pid", .int(pid)),
                Attribute("process.executable.path", .string("/opt/java/openjdk/bin/java")),
                Attribute("process.command_line", .string("/opt/java/openjdk/bin/java -javaagent:/otel-auto-instrumentation-java/javaagent.jar -jar /app/app.jar")),
                Attribute("process.runtime.name", .string("OpenJDK Runtime Environment")),
                Attribute("process.runtime.version", .string("21.0.5+11-LTS")),
                Attribute("process.runtime.description", .string("Eclipse Adoptium OpenJDK 64-Bit Server VM 21.0.5+11-LTS")),
                Attribute("os.description", .string("Linux 6.8.0-49-generic")),
            ]
        }
        return Resource(attributes: attributes + [
            Attribute("host.name", .string(name)),
            Attribute("host.arch", .string("amd64")),
            Attribute("os.type", .string("linux")),
            Attribute("k8s.namespace.name", .string(service)),
            Attribute("k8s.deployment.name", .string(service)),
            Attribute("k8s.replicaset.name", .string(replicaSet)),
            Attribute("k8s.pod.name", .string(name)),
            Attribute("k8s.node.name", .string(node)),
            Attribute("k8s.container.name", .string(service)),
        ])
    }
}
