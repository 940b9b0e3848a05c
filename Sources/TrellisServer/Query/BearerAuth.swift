/// Checks `Authorization: Bearer <token>` against the configured token, comparing in time
/// that does not depend on where the tokens differ. A browser, which sends no such header, may
/// send the token as the `trellis_token` cookie `/login` sets (`UILogin`).
struct BearerAuth: Sendable {
    private let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    /// Throws `QueryError.unauthorized` saying whether the header was missing or the token wrong.
    func check(_ request: HTTPRequest) throws(QueryError) {
        guard let header = request.head.headers.first(name: "authorization") else {
            if let cookie = Self.cookie(UILogin.cookieName, in: request) {
                guard accepts(token: cookie) else { throw .unauthorized("the token in the trellis_token cookie is not valid; log in again at /login") }
                return
            }
            throw .unauthorized("this API needs a bearer token: send 'Authorization: Bearer <token>' (browsers: log in at /login)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        guard accepts(token: String(parts[1])) else {
            throw .unauthorized("the bearer token is not valid")
        }
    }

    /// True when `token` is the configured one.
    func accepts(token candidate: String) -> Bool {
        Self.constantTimeEquals(Array(candidate.utf8), token)
    }

    /// The value of the cookie `name` (percent-decoded), if the request sends it.
    private static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        for header in request.head.headers[canonicalForm: "cookie"] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingPrefix(" ").split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2 && parts[0] == name { return PercentDecoding.decode(parts[1], plusIsSpace: false) }
            }
        }
        return nil
    }

    /// Compares every byte of the longer input, so the time taken tells nothing but the length.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}
