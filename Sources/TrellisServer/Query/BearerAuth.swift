/// Checks `Authorization: Bearer <token>` against the configured token, comparing in time
/// that does not depend on where the tokens differ.
struct BearerAuth: Sendable {
    private let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    /// Throws `QueryError.unauthorized` saying whether the header was missing or the token wrong.
    func check(_ request: HTTPRequest) throws(QueryError) {
        guard let header = request.head.headers.first(name: "authorization") else {
            throw .unauthorized("this API needs a bearer token: send 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        guard Self.constantTimeEquals(Array(parts[1].utf8), token) else {
            throw .unauthorized("the bearer token is not valid")
        }
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
