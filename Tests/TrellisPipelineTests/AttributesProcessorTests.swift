import Foundation
import Testing
import TrellisCodec
import TrellisModel
import TrellisPipeline

@Suite struct AttributesProcessorTests {
    private func config(_ json: String) throws -> AttributesConfig {
        try JSONDecoder().decode(AttributesConfig.self, from: Data(json.utf8))
    }

    private func span(service: String, name: String, _ attributes: [Attribute]) -> TraceBatch {
        TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(service))]), scopeSpans: [
            ScopeSpans(scope: InstrumentationScope(), spans: [Span(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: name, startTimeUnixNano: 1, endTimeUnixNano: 2, attributes: attributes)]),
        ])])
    }

    private func attributes(after settings: AttributesConfig, _ batch: TraceBatch) -> [Attribute] {
        AttributesProcessor(actions: settings.actions, target: .spans(include: settings.include, exclude: settings.exclude), indexedKeys: .none, next: RecordingSink())
            .transform(batch.slices).batch.flattened[0].span.attributes
    }

    @Test func insertUpdateUpsertAndDeleteFollowTheCollector() throws {
        let settings = try config(#"""
        {"actions":[
          {"key":"deployment.environment","action":"insert","value":"production"},
          {"key":"http.method","action":"insert","value":"IGNORED"},
          {"key":"http.status_code","action":"update","value":500},
          {"key":"missing","action":"update","value":1},
          {"key":"retries","action":"upsert","value":2},
          {"key":"copied","action":"upsert","from_attribute":"http.method"},
          {"key":"secret","action":"delete"},
          {"action":"delete","pattern":"tmp\\..*"}
        ]}
        """#)
        let result = attributes(after: settings, span(service: "node-service", name: "GET", [
            Attribute("http.method", .string("GET")), Attribute("http.status_code", .int(200)),
            Attribute("secret", .string("x")), Attribute("tmp.a", .bool(true)), Attribute("tmp.b", .int(1)),
        ]))
        #expect(result == [
            Attribute("http.method", .string("GET")), Attribute("http.status_code", .int(500)),
            Attribute("deployment.environment", .string("production")), Attribute("retries", .int(2)), Attribute("copied", .string("GET")),
        ])
    }

    @Test func hashReplacesTheValueWithItsSHA256() throws {
        let settings = try config(#"{"actions":[{"key":"user.email","action":"hash"}]}"#)
        let result = attributes(after: settings, span(service: "s", name: "n", [Attribute("user.email", .string("abc"))]))
        #expect(result == [Attribute("user.email", .string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))])
    }

    @Test func extractRedactsAQueryStringThroughNamedGroups() throws {
        let settings = try config(#"""
        {"actions":[
          {"key":"http.url","action":"extract","pattern":"^(?P<http_url_base>[^?]*)\\?(?P<http_query>.*)$"},
          {"key":"http.url","action":"update","from_attribute":"http_url_base"},
          {"key":"http_query","action":"delete"}
        ]}
        """#)
        let result = attributes(after: settings, span(service: "s", name: "n", [Attribute("http.url", .string("http://demo:8080/api/greeting?name=alice&token=s3cret"))]))
        #expect(result == [Attribute("http.url", .string("http://demo:8080/api/greeting")), Attribute("http_url_base", .string("http://demo:8080/api/greeting"))])
    }

    @Test func includeAndExcludeSelectSpansByServiceAndName() throws {
        let settings = try config(#"""
        {"include":{"match_type":"regexp","services":["node-.*"]},
         "exclude":{"match_type":"strict","span_names":["GET /health"]},
         "actions":[{"key":"team","action":"insert","value":"web"}]}
        """#)
        #expect(attributes(after: settings, span(service: "node-service", name: "GET /api", [])) == [Attribute("team", .string("web"))])
        #expect(attributes(after: settings, span(service: "node-service", name: "GET /health", [])) == [])
        #expect(attributes(after: settings, span(service: "demo-service", name: "GET /api", [])) == [])
    }

    @Test func resourceProcessorEditsResourceAttributes() throws {
        let actions = try config(#"{"actions":[{"key":"deployment.environment","action":"upsert","value":"staging"}]}"#).actions
        let out = AttributesProcessor(actions: actions, target: .resource, indexedKeys: .none, next: RecordingSink()).transform(span(service: "s", name: "n", []).slices).batch
        #expect(out.resourceSpans[0].resource.attributes[key: "deployment.environment"] == .string("staging"))
    }

    @Test func encodedSlicesAreDecodedChangedAndSummarisedAgain() throws {
        let settings = try config(#"{"actions":[{"key":"http.route","action":"upsert","value":"/api/greeting"}]}"#)
        let encoded = span(service: "s", name: "n", []).slices.map { OTLPProtobufEncoder().encoded($0) }
        let out = AttributesProcessor(actions: settings.actions, target: .spans(include: nil, exclude: nil),
                                      indexedKeys: IndexedKeys(["http.route"]), next: RecordingSink()).transform(encoded)
        #expect(out.batch.flattened[0].span.attributes == [Attribute("http.route", .string("/api/greeting"))])
        #expect(out[0].summary.indexedAttributes == [IndexedAttribute(key: "http.route", value: .string("/api/greeting"))])
    }

    @Test func badActionsAreConfigErrors() {
        #expect(throws: ConfigError.self) { try config(#"{"actions":[{"key":"a","action":"rename"}]}"#) }
        #expect(throws: ConfigError.self) { try config(#"{"actions":[{"key":"a","action":"insert"}]}"#) }
        #expect(throws: ConfigError.self) { try config(#"{"actions":[{"key":"a","action":"extract","pattern":"("}]}"#) }
        #expect(throws: ConfigError.self) { try config(#"{"actions":[]}"#) }
    }
}
