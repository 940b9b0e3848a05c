import NIOCore
import TrellisStorage

/// The query API of the query port, shared by its connections: checks the bearer token,
/// routes, runs the handler on the `QueryExecutor` within `timeout`, and writes the answer as
/// JSON, or HTML for the web UI (gzip-compressed when asked). It knows the store only as a `TraceReader`.
public final class QueryAPI: Sendable {
    /// Every built-in route: Jaeger's `/api`, Trellis's analysis routes, `/api/v3`, the OpenAPI document and the web UI.
    public static let builtInRoutes = JaegerRoutes.routes + AnalysisRoutes.routes + MonitorRoutes.routes + APIv3Routes.routes + [OpenAPIDocument.route] + UIRoutes.routes

    private let router: QueryRouter
    private let reader: (any TraceReader)?
    private let spanMetrics: (any SpanMetricsReader)?
    private let configuration: QueryConfiguration
    private let auth: BearerAuth?
    private let executor: QueryExecutor

    /// - Parameters:
    ///   - reader: the store; nil when the pipeline has none (every route then answers 503).
    ///   - spanMetrics: where span metrics are read; default the store's own, when it keeps them.
    ///   - routes: the routes served; add more (such as the analysis routes) to `builtInRoutes`.
    public init(reader: (any TraceReader)?, configuration: QueryConfiguration, spanMetrics: (any SpanMetricsReader)? = nil,
                routes: [QueryRoute] = QueryAPI.builtInRoutes) {
        router = QueryRouter(routes)
        self.reader = reader
        self.spanMetrics = spanMetrics
        self.configuration = configuration
        auth = configuration.bearerToken.map(BearerAuth.init(token:))
        executor = QueryExecutor(threads: configuration.threads)
    }

    /// True for the paths this API answers: `/api` and everything under it, and the web UI's pages.
    public static func owns(_ path: Substring) -> Bool {
        path == "/api" || path.hasPrefix("/api/") || UIRoutes.owns(path)
    }

    /// Answers one request. The handler runs on the query threads; the future completes on any thread.
    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        if request.path == "/login" { return eventLoop.makeSucceededFuture(UILogin.respond(to: request, auth: auth)) }
        if request.path == "/compare" { return eventLoop.makeSucceededFuture(ComparePage.redirect(request)) }
        let style = QueryAPIStyle(path: request.path)
        let call: (route: QueryRoute, call: QueryCall)
        do {
            try auth?.check(request)
            let (route, pathParameters) = try router.resolve(method: request.head.method.rawValue, path: request.path)
            guard let reader else { throw QueryError.noStore }
            call = (route, QueryCall(request: request, pathParameters: pathParameters, reader: reader, configuration: configuration,
                                         spanMetrics: spanMetrics))
        } catch {
            return eventLoop.makeSucceededFuture(Self.response(for: error, style: style, request: request))
        }
        let promise = eventLoop.makePromise(of: HTTPResponse.self)
        let first = FirstCompletion()
        let task = Task(executorPreference: executor) {
            let response = await Self.run(call.route, call.call, style: style)
            if first.claim() { promise.succeed(response) }
        }
        let timeout = configuration.timeout
        let deadline = eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            guard first.claim() else { return }
            task.cancel()
            promise.succeed(Self.response(for: QueryError.timedOut(Self.timeoutMessage(timeout)), style: style, request: request))
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        return promise.futureResult
    }

    /// Waits for running queries and stops the query threads.
    public func shutdown() async {
        await executor.shutdown()
    }

    private static func run(_ route: QueryRoute, _ call: QueryCall, style: QueryAPIStyle) async -> HTTPResponse {
        do {
            let body = try await route.handler(call)
            let response = HTTPResponse(status: .ok, contentType: route.contentType, body: body)
            return ResponseCompression.apply(to: response, for: call.request)
        } catch {
            return response(for: error, style: style, request: call.request)
        }
    }

    private static func timeoutMessage(_ timeout: Duration) -> String {
        "the query did not finish within query.timeout (\(timeout)); narrow the time range, add conditions or lower the limit"
    }

    /// The JSON error answer for anything a route threw.
    static func response(for error: any Error, style: QueryAPIStyle, request: HTTPRequest) -> HTTPResponse {
        let queryError: QueryError
        switch error {
        case let error as QueryError: queryError = error
        case let error as QueryParameterError: queryError = .badParameter(error)
        case let error as StorageError: queryError = error.isQueryArgumentError ? .badQuery(error.description) : .storage(error.description)
        case is CancellationError: queryError = .timedOut("the query was cancelled")
        default: queryError = .storage("\(error)")
        }
        let response = HTTPResponse(status: queryError.status, contentType: style.contentType, body: style.errorBody(queryError, uri: request.head.uri), headers: queryError.headers)
        return ResponseCompression.apply(to: response, for: request)
    }
}

private extension StorageError {
    /// True for the cases that mean the query's arguments were wrong, not the store.
    var isQueryArgumentError: Bool {
        switch self {
        case .missingService, .invertedTimeRange, .invalidLimit, .invertedDurationRange, .invalidAttributeFilter: return true
        default: return false
        }
    }
}

private extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
