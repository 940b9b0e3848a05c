import TrellisCodec
import TrellisStorage

/// JSON pieces shared by the Jaeger and api/v3 routes.
extension JSONWriter {
    /// `["a","b"]`.
    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// `[{"name":"GET /x","spanKind":"server"}]`.
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
