import TrellisModel

/// `processors.attributes` (span attributes, with `include`/`exclude`) and
/// `processors.resource` (resource attributes): a list of collector-style `actions`.
public struct AttributesConfig: Decodable, Sendable {
    public var actions: [AttributeAction]
    public var include: SpanMatcher?
    public var exclude: SpanMatcher?

    private enum CodingKeys: String, CodingKey, CaseIterable { case actions, include, exclude }
    private enum ResourceKeys: String, CodingKey, CaseIterable { case attributes }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        actions = try c.decode([AttributeAction].self, forKey: .actions)
        include = try c.decodeIfPresent(SpanMatcher.self, forKey: .include)
        exclude = try c.decodeIfPresent(SpanMatcher.self, forKey: .exclude)
        if actions.isEmpty { throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.actions]), reason: "give at least one action") }
    }

    /// The `resource` processor's shape: `attributes:` holds the action list.
    public static func resource(from decoder: any Decoder) throws -> [AttributeAction] {
        try decoder.rejectUnknownKeys(ResourceKeys.self)
        let actions = try decoder.container(keyedBy: ResourceKeys.self).decode([AttributeAction].self, forKey: .attributes)
        if actions.isEmpty { throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath + [ResourceKeys.attributes]), reason: "give at least one action") }
        return actions
    }
}
