/// Warnings Trellis attaches to a span it had to repair on the way in (invalid UTF-8, missing
/// times), kept as a string-array attribute so every store and every output carries them.
///
/// The key is the one Jaeger v2 uses for the same purpose (`@jaeger@warnings`, its `jptrace`
/// package), so Jaeger's JSON shows them as the span's `warnings` and OTLP readers see the attribute.
extension Span {
    public static let warningsAttributeKey = "@jaeger@warnings"

    /// The span's warnings, oldest first.
    public var warnings: [String] {
        guard case .array(let values) = attributes[key: Self.warningsAttributeKey] else { return [] }
        return values.compactMap(\.stringValue)
    }

    /// Appends one warning.
    public mutating func addWarning(_ warning: String) {
        if let index = attributes.firstIndex(where: { $0.key == Self.warningsAttributeKey }),
           case .array(let values) = attributes[index].value {
            attributes[index].value = .array(values + [.string(warning)])
        } else {
            attributes.removeAll { $0.key == Self.warningsAttributeKey }
            attributes.append(Attribute(Self.warningsAttributeKey, .array([.string(warning)])))
        }
    }
}
