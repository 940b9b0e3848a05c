/// Which receiver and transport a request came through: the labels of the receiver metrics.
public struct ReceiverIdentity: Sendable, Hashable {
    /// The receiver's name in the config (`otlp`, `zipkin`, `otlp/internal`).
    public var receiver: String
    /// `grpc`, `http`, or Jaeger's `thrift_http` and `thrift_compact`.
    public var transport: String

    public init(receiver: String, transport: String) {
        self.receiver = receiver
        self.transport = transport
    }
}
