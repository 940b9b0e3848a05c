import CProtobufC
import Glibc
import TrellisModel
import TrellisProtoC

/// Decodes Zipkin v2 protobuf (`POST /api/v2/spans` with `application/x-protobuf`: a
/// `zipkin.proto3.ListOfSpans`) into the model, through `ZipkinTranslator`, so it maps exactly
/// as Zipkin JSON does.
///
/// The wire is validated first (`ProtobufWireValidator` with `ZipkinMessageSchema`: truncations,
/// wrong wire types, lengths past the end, nesting), then libprotobuf-c unpacks it into an arena.
/// A span whose IDs are not 8 or 16 bytes (trace) and 8 bytes (span; parent empty or 8) is dropped
/// on its own and reported in `DecodedTraces.rejections`; an unknown `kind`, an address that is
/// not 4 or 16 bytes, or a port outside 0...65535 fails the request naming the field.
/// Owns its arena: keep one per connection.
public final class ZipkinProtobufDecoder: RequestBodyDecoder {
    private let unpacker: ProtobufUnpacker<ZipkinMessageSchema>

    public init(initialArenaBytes: Int = 1 << 16, maxDepth: Int = 8, maxExpansion: Int = 64) {
        unpacker = ProtobufUnpacker(initialArenaBytes: initialArenaBytes, maxDepth: maxDepth, maxExpansion: maxExpansion)
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> DecodedTraces {
        try unpacker.withMessage(bytes, unpack: zipkin__proto3__list_of_spans__unpack) { (list) throws(CodecError) in
            var reader = CStringReader(cache: unpacker.strings)
            var rejections = SpanRejections()
            var spans: [ZipkinSpan] = []
            spans.reserveCapacity(list.pointee.n_spans)
            for i in 0..<list.pointee.n_spans {
                if let span = try Self.span(list.pointee.spans[i]!.pointee, path: "spans[\(i)]", strings: &reader, rejections: &rejections) {
                    spans.append(span)
                }
            }
            return try ZipkinTranslator.decodedTraces(spans, rejections: rejections, repairedStrings: reader.repaired)
        }
    }

    private static let kinds: [UInt32: SpanKind] = [0: .unspecified, 1: .client, 2: .server, 3: .producer, 4: .consumer]

    private static func span(
        _ c: Zipkin__Proto3__Span, path: String, strings: inout CStringReader, rejections: inout SpanRejections
    ) throws(CodecError) -> ZipkinSpan? {
        let traceBytes = UnsafeRawBufferPointer(start: c.trace_id.data, count: c.trace_id.len)
        let traceID: TraceID? = switch c.trace_id.len {
        case 16: TraceID(bytes: traceBytes)
        case 8: TraceID(high: 0, low: traceBytes.reduce(0) { $0 << 8 | UInt64($1) })
        default: nil
        }
        let spanID = SpanID(bytes: UnsafeRawBufferPointer(start: c.id.data, count: c.id.len))
        if let problem = SpanIdentityCheck.problem(
            traceIDLength: c.trace_id.len == 8 ? 16 : c.trace_id.len, traceID: traceID,
            spanIDLength: c.id.len, spanID: spanID, parentLength: c.parent_id.len
        ) {
            rejections.reject("\(path): \(problem)")
            return nil
        }
        guard let traceID, let spanID else { return nil }
        let parent = SpanID(bytes: UnsafeRawBufferPointer(start: c.parent_id.data, count: c.parent_id.len)) ?? .none
        var span = ZipkinSpan(traceID: traceID, spanID: spanID, parentSpanID: parent, path: path)
        guard let kind = kinds[c.kind.rawValue] else {
            throw .invalidValue(field: path + ".kind", reason: "\(c.kind.rawValue) is not a Zipkin span kind (0 to 4)")
        }
        span.kind = kind
        span.name = strings.string(c.name)
        span.timestampMicros = c.timestamp
        span.durationMicros = c.duration
        if let local = c.local_endpoint { span.localEndpoint = try endpoint(local.pointee, path: path + ".localEndpoint", strings: &strings) }
        if let remote = c.remote_endpoint { span.remoteEndpoint = try endpoint(remote.pointee, path: path + ".remoteEndpoint", strings: &strings) }
        for t in 0..<c.n_tags {
            let entry = c.tags[t]!.pointee
            span.tags.append((strings.string(entry.key), strings.string(entry.value)))
        }
        for a in 0..<c.n_annotations {
            let annotation = c.annotations[a]!.pointee
            span.annotations.append(ZipkinSpan.Annotation(timestampMicros: annotation.timestamp, value: strings.string(annotation.value)))
        }
        span.debug = c.debug != 0
        span.shared = c.shared != 0
        return span
    }

    private static func endpoint(_ c: Zipkin__Proto3__Endpoint, path: String, strings: inout CStringReader) throws(CodecError) -> ZipkinSpan.Endpoint {
        var endpoint = ZipkinSpan.Endpoint()
        endpoint.serviceName = strings.string(c.service_name)
        guard (0...65535).contains(c.port) else { throw .invalidValue(field: path + ".port", reason: "\(c.port) is not a port number") }
        endpoint.port = Int64(c.port)
        if c.ipv4.len != 0 {
            endpoint.ip = try address(c.ipv4, family: AF_INET, length: 4, field: path + ".ipv4")
        } else if c.ipv6.len != 0 {
            endpoint.ip = try address(c.ipv6, family: AF_INET6, length: 16, field: path + ".ipv6")
        }
        return endpoint
    }

    /// The address in text form (`10.0.0.1`, `2001:db8::1`).
    private static func address(_ bytes: ProtobufCBinaryData, family: Int32, length: Int, field: String) throws(CodecError) -> String {
        guard bytes.len == length else { throw .invalidValue(field: field, reason: "an address must be \(length) bytes, got \(bytes.len)") }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, bytes.data, &text, socklen_t(text.count)) != nil else {
            throw .invalidValue(field: field, reason: "not an address")
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
