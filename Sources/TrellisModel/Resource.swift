/// The entity that produced spans: a service instance, with its attributes.
public struct Resource: Hashable, Sendable {
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }

    /// The `service.name` attribute, or `unknown_service` as the OpenTelemetry SDKs default it.
    public var serviceName: String {
        attributes[key: "service.name"]?.stringValue ?? "unknown_service"
    }
}
