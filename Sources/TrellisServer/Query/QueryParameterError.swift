/// A query-API request whose parameters cannot be used. Each case names the parameter and says
/// what to send instead; the API answers it with 400 and the `description` as the message.
public enum QueryParameterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A required parameter is absent or empty.
    case missing(String)
    /// A parameter that takes one value was given several times.
    case repeated(String)
    /// A parameter this route does not know.
    case unknown(String, allowed: [String])
    /// A value is not a trace ID (32 or 16 hex digits, not all zero).
    case malformedTraceID(parameter: String, value: String)
    /// A value is not a duration such as `100ms`.
    case malformedDuration(parameter: String, value: String)
    /// A value is not a time in the format the parameter takes.
    case malformedTime(parameter: String, value: String, expected: String)
    /// A value is not a positive integer.
    case notPositiveInteger(parameter: String, value: String)
    /// A value is above the most the parameter takes (written with its unit).
    case tooLarge(parameter: String, value: String, maximum: String)
    /// A value is not one of the allowed words.
    case notOneOf(parameter: String, value: String, allowed: [String])
    /// A tag filter that cannot be read.
    case malformedTags(parameter: String, value: String, reason: String)
    /// The lower bound of a range is above its upper bound.
    case invertedRange(lower: String, upper: String)
    /// A repeatable parameter was given another number of times than the route needs.
    case wrongCount(parameter: String, expected: Int, given: Int)

    public var description: String {
        switch self {
        case .missing(let name):
            return "parameter '\(name)' is required"
        case .repeated(let name):
            return "parameter '\(name)' is given more than once; give it once"
        case .unknown(let name, let allowed):
            return "unknown parameter '\(name)'; this route takes" + (allowed.isEmpty ? " no parameters" : ": " + allowed.joined(separator: ", "))
        case .malformedTraceID(let name, let value):
            return "parameter '\(name)': '\(value)' is not a trace ID; write 32 hex digits (or 16), not all zeros"
        case .malformedDuration(let name, let value):
            return "parameter '\(name)': '\(value)' is not a duration; write it like 100ms, 1.5s, 2m or 500us"
        case .malformedTime(let name, let value, let expected):
            return "parameter '\(name)': '\(value)' is not \(expected)"
        case .notPositiveInteger(let name, let value):
            return "parameter '\(name)': '\(value)' is not a positive integer"
        case .tooLarge(let name, let value, let maximum):
            return "parameter '\(name)': '\(value)' is too large; the most it takes is \(maximum)"
        case .notOneOf(let name, let value, let allowed):
            return "parameter '\(name)': '\(value)' is not one of \(allowed.joined(separator: ", "))"
        case .malformedTags(let name, let value, let reason):
            return "parameter '\(name)': '\(value)' \(reason)"
        case .invertedRange(let lower, let upper):
            return "parameter '\(lower)' is greater than '\(upper)'; the range is empty"
        case .wrongCount(let name, let expected, let given):
            return "parameter '\(name)' is given \(given) times; give it \(expected) times"
        }
    }
}
