import Foundation

/// The fuzz targets (issue 14): each feeds arbitrary bytes to one decoder or parser the network
/// reaches, and checks what must hold whatever the input: no crash, no hang, and answers that
/// are well-formed for their protocol.
enum FuzzTarget: String, CaseIterable {
    case otlpProtobuf = "otlp-protobuf"
    case otlpJSON = "otlp-json"
    case zipkinJSON = "zipkin-json"
    case zipkinProtobuf = "zipkin-protobuf"
    case jaegerThrift = "jaeger-thrift"
    case jaegerProtobuf = "jaeger-protobuf"
    case gzip
    case grpcFraming = "grpc-framing"
    case http1 = "http1"
    case nghttp2 = "nghttp2"
    case queryParameters = "query-parameters"

    /// The target `TRELLIS_FUZZ_TARGET` names; stops the process with the list when it names none.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["TRELLIS_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("TRELLIS_FUZZ_TARGET must be one of: \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .otlpProtobuf: DecoderTargets.otlpProtobuf(bytes)
        case .otlpJSON: DecoderTargets.otlpJSON(bytes)
        case .zipkinJSON: DecoderTargets.zipkinJSON(bytes)
        case .zipkinProtobuf: DecoderTargets.zipkinProtobuf(bytes)
        case .jaegerThrift: DecoderTargets.jaegerThrift(bytes)
        case .jaegerProtobuf: DecoderTargets.jaegerProtobuf(bytes)
        case .gzip: DecoderTargets.gzip(bytes)
        case .grpcFraming: GRPCTargets.framing(bytes)
        case .http1: HTTP1Target.run(bytes)
        case .nghttp2: GRPCTargets.session(bytes)
        case .queryParameters: QueryParameterTarget.run(bytes)
        }
    }
}
