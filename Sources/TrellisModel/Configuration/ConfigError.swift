/// Why a configuration file was refused. Every case names the key (as a dotted path such as
/// `receivers.otlp.protocols.grpc.endpoint`) and what to change.
public enum ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalidYAML(reason: String)
    case unsetEnvironmentVariable(name: String)
    case unknownKey(path: String, allowed: [String])
    case missingKey(path: String)
    case invalidValue(path: String, reason: String)
    case unknownComponent(path: String, type: String, known: [String])
    case undefinedComponent(path: String, name: String)
    case duplicateEndpoint(endpoint: String, first: String, second: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "cannot read config file \(file): \(reason)"
        case .invalidYAML(let reason):
            return "config is not valid YAML: \(reason)"
        case .unsetEnvironmentVariable(let name):
            return "config uses ${env:\(name)} but the environment variable \(name) is not set"
        case .unknownKey(let path, let allowed):
            return "\(path): unknown key; allowed keys here: \(allowed.joined(separator: ", "))"
        case .missingKey(let path):
            return "\(path): required key is missing"
        case .invalidValue(let path, let reason):
            return "\(path): \(reason)"
        case .unknownComponent(let path, let type, let known):
            return "\(path): unknown component type '\(type)'; this build knows: \(known.joined(separator: ", "))"
        case .undefinedComponent(let path, let name):
            return "\(path): '\(name)' is not defined in the config"
        case .duplicateEndpoint(let endpoint, let first, let second):
            return "\(second): endpoint \(endpoint) is already used by \(first)"
        }
    }
}
