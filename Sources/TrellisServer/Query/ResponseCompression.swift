import TrellisCodec

/// gzip for query-API answers whose request says `Accept-Encoding: gzip`.
enum ResponseCompression {
    /// Bodies smaller than this go out as they are: gzip's header would outweigh the saving.
    static let minimumBytes = 256

    /// True when `Accept-Encoding` lists `gzip` (or `*`) with a quality above zero.
    static func acceptsGzip(_ request: HTTPRequest) -> Bool {
        for coding in request.head.headers["accept-encoding"].flatMap({ $0.split(separator: ",") }) {
            let parts = coding.split(separator: ";").map { $0.filter { $0 != " " && $0 != "\t" }.lowercased() }
            guard let name = parts.first, name == "gzip" || name == "*" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return true }
        }
        return false
    }

    /// The response, gzip-compressed when the client accepts it and the body is worth it.
    static func apply(to response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        guard response.body.count >= minimumBytes, acceptsGzip(request) else { return response }
        var compressed = response
        compressed.body = Gzip.deflate(response.body)
        compressed.headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        return compressed
    }
}
