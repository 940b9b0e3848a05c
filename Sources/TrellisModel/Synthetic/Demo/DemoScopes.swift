/// The instrumentation scopes the two agents name their spans with.
public enum DemoScopes {
    /// Node.js agent (auto-instrumentations-node): incoming and outgoing HTTP.
    public static let nodeHTTP = InstrumentationScope(name: "@opentelemetry/instrumentation-http", version: "0.57.1")
    /// Java agent: the Tomcat SERVER span of every request to Spring Boot.
    public static let tomcat = InstrumentationScope(name: "io.opentelemetry.tomcat-10.0", version: "2.10.0-alpha")
    /// Java agent: the INTERNAL span of a Spring MVC controller method.
    public static let springWebMVC = InstrumentationScope(name: "io.opentelemetry.spring-webmvc-6.0", version: "2.10.0-alpha")
    /// Java agent: outgoing calls made with `java.net.http.HttpClient` (Spring's `RestClient`).
    public static let javaHTTPClient = InstrumentationScope(name: "io.opentelemetry.java-http-client", version: "2.10.0-alpha")
}
