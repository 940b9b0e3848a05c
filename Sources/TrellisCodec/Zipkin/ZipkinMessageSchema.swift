/// Zipkin's `zipkin.proto3` messages for `ProtobufWireValidator`. Field numbers are openzipkin
/// zipkin-api's `zipkin.proto`; names in error paths are Zipkin's JSON names (`spans[2].localEndpoint.port`).
enum ZipkinMessageSchema: UInt8, ProtobufMessageSchema {
    case listOfSpans, span, endpoint, annotation, tagsEntry

    static let root = ZipkinMessageSchema.listOfSpans
    static let rootName = "ListOfSpans"
    static let maxFieldNumber = 13
    static let packedRules = ProtobufField.packedRules(for: ZipkinMessageSchema.self)

    func field(_ number: UInt64) -> ProtobufField? {
        typealias F = ProtobufField
        switch (self, number) {
        case (.listOfSpans, 1): return F.list(Self.span)
        case (.span, 1), (.span, 2), (.span, 3), (.span, 5): return F.text
        case (.span, 4), (.span, 7), (.span, 12), (.span, 13): return F.varint
        case (.span, 6): return F.fixed64
        case (.span, 8), (.span, 9): return F.one(Self.endpoint)
        case (.span, 10): return F.list(Self.annotation)
        case (.span, 11): return F.list(Self.tagsEntry)
        case (.endpoint, 1), (.endpoint, 2), (.endpoint, 3): return F.text
        case (.endpoint, 4): return F.varint
        case (.annotation, 1): return F.fixed64
        case (.annotation, 2): return F.text
        case (.tagsEntry, 1), (.tagsEntry, 2): return F.text
        default: return nil
        }
    }

    func name(of number: UInt64) -> String {
        switch (self, number) {
        case (.listOfSpans, 1): return "spans"
        case (.span, 1): return "traceId"
        case (.span, 2): return "parentId"
        case (.span, 3): return "id"
        case (.span, 4): return "kind"
        case (.span, 5): return "name"
        case (.span, 6), (.annotation, 1): return "timestamp"
        case (.span, 7): return "duration"
        case (.span, 8): return "localEndpoint"
        case (.span, 9): return "remoteEndpoint"
        case (.span, 10): return "annotations"
        case (.span, 11): return "tags"
        case (.span, 12): return "debug"
        case (.span, 13): return "shared"
        case (.endpoint, 1): return "serviceName"
        case (.endpoint, 2): return "ipv4"
        case (.endpoint, 3): return "ipv6"
        case (.endpoint, 4): return "port"
        case (.annotation, 2), (.tagsEntry, 2): return "value"
        case (.tagsEntry, 1): return "key"
        default: return "field \(number)"
        }
    }
}
