import NIOHTTP1

/// A complete HTTP/1.1 request: its head and its whole body.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

    /// The path without the query string.
    public var path: Substring {
        head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }

    /// The media type of `Content-Type`, lowercased, without parameters (`application/json`).
    public var mediaType: String? {
        guard let value = head.headers.first(name: "content-type") else { return nil }
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.filter { $0 != " " && $0 != "\t" }.lowercased()
    }

    /// True when `Content-Encoding: gzip` (or `x-gzip`).
    public var isGzip: Bool {
        head.headers.first(name: "content-encoding").map { ["gzip", "x-gzip"].contains($0.lowercased()) } ?? false
    }

    /// The value of a query parameter, percent-decoded.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Every query parameter in order; repeated names appear repeatedly.
    public var queryItems: [(name: String, value: String)] {
        guard let q = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return q.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (PercentDecoding.decode(parts[0]), parts.count > 1 ? PercentDecoding.decode(parts[1]) : "")
        }
    }
}
