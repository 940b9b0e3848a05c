import TrellisCodec
import TrellisModel
import TrellisStorage

/// JSON pieces shared by the Jaeger and api/v3 routes.
extension JSONWriter {
    /// `["a","b"]`.
    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// `[{"name":"GET /x","spanKind":"server"}]` (see `Operation.filtered` for the kinds).
    mutating func operations(_ operations: [Operation]) {
        beginArray()
        for operation in operations {
            beginObject()
            key("name")
            string(operation.name)
            key("spanKind")
            string(operation.kind.name)
            endObject()
        }
        endArray()
    }
}

extension Operation {
    /// The operations as Jaeger's query service reports them: an UNSPECIFIED kind is reported as
    /// `internal` (Jaeger's api_v3 gateway never answers an empty `spanKind`), duplicates that
    /// makes are merged, and `kind` (when given) keeps only that kind. Sorted by name, then kind.
    static func filtered(_ operations: [Operation], kind: SpanKind?) -> [Operation] {
        let reported = Set(operations.map { Operation(name: $0.name, kind: $0.kind == .unspecified ? .internal : $0.kind) })
        return reported.filter { kind == nil || $0.kind == kind }.sorted()
    }
}
