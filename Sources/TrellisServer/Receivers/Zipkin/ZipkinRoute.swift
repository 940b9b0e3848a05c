extension SpanPostResponder.Route {
    /// Zipkin v2 (`POST /api/v2/spans`): a JSON span list (also without `Content-Type`, as Zipkin
    /// takes it) or a protobuf `ListOfSpans` (`application/x-protobuf`).
    public static let zipkin = SpanPostResponder.Route(
        path: "/api/v2/spans",
        formats: ["application/json": .zipkinJSON, "application/x-protobuf": .zipkinProtobuf, "application/protobuf": .zipkinProtobuf],
        formatWithoutMediaType: .zipkinJSON,
        accepts: "Zipkin v2 JSON (application/json) and protobuf (application/x-protobuf)")
}
