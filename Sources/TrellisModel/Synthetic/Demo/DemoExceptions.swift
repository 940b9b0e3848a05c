/// The `exception` span events the two agents record in the failing flows, with the
/// attributes of OpenTelemetry's exception conventions.
enum DemoExceptions {
    /// What demo-service's `SimulateController` throws in the `error` scenario, as the Java
    /// agent records it (on the controller span and, unwrapped from the ServletException, on the server span).
    static func simulatedFailure(at time: UInt64) -> SpanEvent {
        let type = "java.lang.IllegalStateException"
        let message = "Simulated failure (scenario=error)"
        let frames = [
            "com.example.demo.SimulateController.simulate(SimulateController.java:41)",
            "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
            "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
            "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
            "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)",
            "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
            "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:986)",
            "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
            "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
            "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)",
            "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
            "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:165)",
            "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:399)",
            "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:63)",
            "java.base/java.lang.Thread.run(Thread.java:1583)",
        ]
        return event(at: time, type: type, message: message, stacktrace: "\(type): \(message)" + frames.map { "\n\tat \($0)" }.joined())
    }

    /// What node-service's axios call to demo-service records when it gives up after `millis`.
    static func axiosTimeout(at time: UInt64, millis: UInt64) -> SpanEvent {
        let message = "timeout of \(millis)ms exceeded"
        let frames = [
            "RedirectableRequest.handleRequestTimeout (/app/node_modules/axios/dist/node/axios.cjs:3227:16)",
            "RedirectableRequest.emit (node:events:518:28)",
            "Timeout.<anonymous> (/app/node_modules/follow-redirects/index.js:221:12)",
            "listOnTimeout (node:internal/timers:594:17)",
            "process.processTimers (node:internal/timers:529:7)",
            "Axios.request (/app/node_modules/axios/dist/node/axios.cjs:4358:41)",
            "async DemoClient.simulate (/app/dist/demo/demo.client.js:38:26)",
        ]
        return event(at: time, type: "ECONNABORTED", message: message, stacktrace: "AxiosError: \(message)" + frames.map { "\n    at \($0)" }.joined())
    }

    private static func event(at time: UInt64, type: String, message: String, stacktrace: String) -> SpanEvent {
        SpanEvent(timeUnixNano: time, name: "exception", attributes: [
            Attribute("exception.type", .string(type)),
            Attribute("exception.message", .string(message)),
            Attribute("exception.stacktrace", .string(stacktrace)),
        ])
    }
}
