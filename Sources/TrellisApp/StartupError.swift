import TrellisModel
/// Why `trellis serve` could not start after its config was accepted.
public enum StartupError: Error, CustomStringConvertible, Sendable {
    /// A listener could not bind: the port is taken, or the address is not local.
    case cannotListen(component: String, endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let component, let endpoint, let reason):
            return "\(component): cannot listen on \(endpoint): \(reason)"
        }
    }
}
