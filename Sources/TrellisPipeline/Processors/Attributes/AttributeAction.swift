import TrellisModel

/// One collector-style attribute action: `insert`, `update`, `upsert`, `delete`, `hash` or
/// `extract`, on `key` (or, for `delete`, on every key matching `pattern`).
public struct AttributeAction: Decodable, Sendable {
    public enum Kind: String, Decodable, Sendable, CaseIterable {
        case insert, update, upsert, delete, hash, extract
    }

    public var key: String
    public var action: Kind
    /// The value to write (`insert`, `update`, `upsert`), unless `fromAttribute` is given.
    public var value: AttributeValue?
    /// Copy the value of this attribute instead of `value`.
    public var fromAttribute: String?
    /// `extract`: a regex with named groups, each becoming an attribute. `delete`: keys to delete.
    public var pattern: String?
    private let regex: RegexBox?

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key, action, value, pattern
        case fromAttribute = "from_attribute"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = ConfigPath.dotted(decoder.codingPath)
        let actionName = try c.decode(String.self, forKey: .action)
        guard let kind = Kind(rawValue: actionName) else {
            throw ConfigError.invalidValue(path: path + ".action", reason: "'\(actionName)' is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        action = kind
        key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
        fromAttribute = try c.decodeIfPresent(String.self, forKey: .fromAttribute)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        value = try c.decodeIfPresent(ScalarValue.self, forKey: .value)?.value
        if let pattern {
            do {
                regex = RegexBox(try Regex(pattern))
            } catch {
                throw ConfigError.invalidValue(path: path + ".pattern", reason: "'\(pattern)' is not a valid regular expression: \(error)")
            }
        } else {
            regex = nil
        }
        switch kind {
        case .insert, .update, .upsert:
            if key.isEmpty { throw ConfigError.missingKey(path: path + ".key") }
            if value == nil && fromAttribute == nil { throw ConfigError.invalidValue(path: path, reason: "\(actionName) needs value or from_attribute") }
        case .hash:
            if key.isEmpty { throw ConfigError.missingKey(path: path + ".key") }
        case .delete:
            if key.isEmpty && pattern == nil { throw ConfigError.invalidValue(path: path, reason: "delete needs key or pattern") }
        case .extract:
            if key.isEmpty { throw ConfigError.missingKey(path: path + ".key") }
            if pattern == nil { throw ConfigError.missingKey(path: path + ".pattern") }
        }
    }

    /// Applies the action to an attribute list.
    public func apply(to attributes: inout [Attribute]) {
        let index = attributes.firstIndex { $0.key == key }
        switch action {
        case .insert:
            guard index == nil, let v = newValue(attributes) else { return }
            attributes.append(Attribute(key, v))
        case .update:
            guard let index, let v = newValue(attributes) else { return }
            attributes[index].value = v
        case .upsert:
            guard let v = newValue(attributes) else { return }
            if let index { attributes[index].value = v } else { attributes.append(Attribute(key, v)) }
        case .delete:
            if let regex = regex?.regex {
                attributes.removeAll { (try? regex.wholeMatch(in: $0.key)) != nil }
            } else {
                attributes.removeAll { $0.key == key }
            }
        case .hash:
            guard let index else { return }
            attributes[index].value = .string(SHA256.hex(Array(Self.text(of: attributes[index].value).utf8)))
        case .extract:
            guard let index, case .string(let text) = attributes[index].value, let regex = regex?.regex,
                  let match = try? regex.firstMatch(in: text) else { return }
            for capture in match.output {
                guard let name = capture.name, let substring = capture.substring else { continue }
                let extracted = AttributeValue.string(String(substring))
                if let existing = attributes.firstIndex(where: { $0.key == name }) {
                    attributes[existing].value = extracted
                } else {
                    attributes.append(Attribute(name, extracted))
                }
            }
        }
    }

    private func newValue(_ attributes: [Attribute]) -> AttributeValue? {
        if let fromAttribute { return attributes[key: fromAttribute] }
        return value
    }

    private static func text(of value: AttributeValue) -> String {
        switch value {
        case .string(let s): return s
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        default: return "\(value)"
        }
    }
}

/// A compiled regex held in a Sendable box (Swift's `Regex` is not declared Sendable).
final class RegexBox: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
}

/// A YAML scalar decoded into the attribute type it reads as: bool, int, double or string.
struct ScalarValue: Decodable {
    let value: AttributeValue

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let i = try? c.decode(Int64.self) { value = .int(i) }
        else if let d = try? c.decode(Double.self) { value = .double(d) }
        else { value = .string(try c.decode(String.self)) }
    }
}
