/// Answers the calls of one connection. One instance per connection, used only on its
/// event loop (it need not be `Sendable`); `respond` may be called later but must be called
/// on that event loop too. Routing by path is the handler's job: it answers UNIMPLEMENTED
/// for paths it does not serve. Calls the transport refuses (bad framing, unsupported
/// compression, wrong content type) never reach it.
public protocol GRPCCallHandler: AnyObject {
    /// Handles one call; `respond` is called once (later calls are ignored).
    func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void)
}
