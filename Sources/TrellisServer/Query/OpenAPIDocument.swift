import Foundation

/// The OpenAPI 3.1 description of every query-API route (`openapi.json`, a resource of this
/// module), served at `GET /api/openapi.json`.
public enum OpenAPIDocument {
    /// The document's bytes; empty when the resource is missing from the build.
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return [] }
        return Array(data)
    }()

    public static let route = QueryRoute.get("/api/openapi.json") { call in
        try call.parameters.reject(allowing: [])
        guard !bytes.isEmpty else { throw QueryError.notFound("openapi.json is missing from this build's resources") }
        return bytes
    }
}
