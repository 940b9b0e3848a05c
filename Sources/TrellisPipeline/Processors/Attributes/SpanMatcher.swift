import TrellisModel

/// Collector-style `include`/`exclude` properties: `match_type` (`strict` or `regexp`),
/// `services` and `span_names`. A span matches when every list given has a matching entry.
public struct SpanMatcher: Decodable, Sendable {
    public enum MatchType: String, Decodable, Sendable { case strict, regexp }

    public var matchType: MatchType
    public var services: [String]
    public var spanNames: [String]
    private let serviceRegexes: [RegexBox]
    private let nameRegexes: [RegexBox]

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case matchType = "match_type"
        case services
        case spanNames = "span_names"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = ConfigPath.dotted(decoder.codingPath)
        let typeName = try c.decodeIfPresent(String.self, forKey: .matchType) ?? "strict"
        guard let type = MatchType(rawValue: typeName) else {
            throw ConfigError.invalidValue(path: path + ".match_type", reason: "'\(typeName)' is not strict or regexp")
        }
        matchType = type
        services = try c.decodeIfPresent([String].self, forKey: .services) ?? []
        spanNames = try c.decodeIfPresent([String].self, forKey: .spanNames) ?? []
        if services.isEmpty && spanNames.isEmpty {
            throw ConfigError.invalidValue(path: path, reason: "give services or span_names to match")
        }
        func compile(_ patterns: [String], _ key: String) throws -> [RegexBox] {
            guard type == .regexp else { return [] }
            return try patterns.map { pattern in
                do { return RegexBox(try Regex(pattern)) } catch {
                    throw ConfigError.invalidValue(path: "\(path).\(key)", reason: "'\(pattern)' is not a valid regular expression")
                }
            }
        }
        serviceRegexes = try compile(services, "services")
        nameRegexes = try compile(spanNames, "span_names")
    }

    public func matches(service: String, spanName: String) -> Bool {
        matches(service, services, serviceRegexes) && matches(spanName, spanNames, nameRegexes)
    }

    private func matches(_ text: String, _ values: [String], _ regexes: [RegexBox]) -> Bool {
        guard !values.isEmpty else { return true }
        switch matchType {
        case .strict: return values.contains(text)
        case .regexp: return regexes.contains { (try? $0.regex.wholeMatch(in: text)) != nil }
        }
    }
}
