/// The entity that produced spans: a service instance, with its attributes.
public struct Resource: Hashable, Sendable {
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }

    /// The `service.name` attribute, or `unknown_service` as the OpenTelemetry SDKs default it
    /// when it is absent, not a string, empty or only whitespace (such a name could be neither
    /// listed usefully nor searched for).
    public var serviceName: String {
        guard let name = attributes[key: "service.name"]?.stringValue, name.contains(where: { !$0.isWhitespace }) else {
            return "unknown_service"
        }
        return name
    }
}
