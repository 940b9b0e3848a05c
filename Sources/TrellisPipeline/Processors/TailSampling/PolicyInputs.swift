import TrellisModel

/// What the configured policies read of a trace beyond the slices' summaries: the values of the
/// attribute keys that `string_attribute`, `numeric_attribute` and `boolean_attribute` policies
/// name, and with a `trace_state` policy, the spans' trace states. Taken from each slice's model
/// spans once, when it arrives and before it is encoded, so deciding never decodes spans.
struct PolicyInputs: Sendable {
    /// The attribute keys the policies name.
    let keys: Set<String>
    /// Whether a policy reads trace states.
    let readsTraceState: Bool

    init(_ policies: [SamplingPolicyConfig]) {
        var keys = Set<String>()
        var traceState = false
        func visit(_ kind: SamplingPolicyKind) {
            switch kind {
            case .stringAttribute(let c): keys.insert(c.key)
            case .numericAttribute(let c): keys.insert(c.key)
            case .booleanAttribute(let c): keys.insert(c.key)
            case .traceState: traceState = true
            case .and(let subs), .drop(let subs): subs.forEach { visit($0.policy) }
            case .not(let sub): visit(sub.policy)
            case .composite(let c): c.subPolicies.forEach { visit($0.policy) }
            case .alwaysSample, .latency, .statusCode, .probabilistic, .rateLimiting, .bytesLimiting, .spanCount: break
            }
        }
        policies.forEach { visit($0.policy) }
        self.keys = keys
        readsTraceState = traceState
    }

    /// The inputs of one slice (of model spans; an encoded slice has given its inputs already).
    func of(_ slice: TraceSlice) -> SliceInputs {
        var inputs = SliceInputs()
        guard !keys.isEmpty || readsTraceState, case .model(let scopes) = slice.spans else { return inputs }
        collect(slice.resource.attributes, into: &inputs.attributes)
        for scope in scopes {
            for span in scope.spans {
                collect(span.attributes, into: &inputs.attributes)
                if readsTraceState, !span.traceState.isEmpty, !inputs.traceStates.contains(span.traceState) {
                    inputs.traceStates.append(span.traceState)
                }
            }
        }
        return inputs
    }

    private func collect(_ list: [Attribute], into out: inout [Attribute]) {
        guard !keys.isEmpty else { return }
        for attribute in list where keys.contains(attribute.key) && !out.contains(attribute) { out.append(attribute) }
    }
}

/// The attribute values and trace states of one trace (or slice) that the policies read.
struct SliceInputs: Sendable {
    var attributes: [Attribute] = []
    var traceStates: [String] = []

    mutating func merge(_ other: SliceInputs) {
        for attribute in other.attributes where !attributes.contains(attribute) { attributes.append(attribute) }
        for state in other.traceStates where !traceStates.contains(state) { traceStates.append(state) }
    }
}
