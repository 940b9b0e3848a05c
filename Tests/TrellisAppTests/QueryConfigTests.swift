import Foundation
import Testing
import TrellisApp
import TrellisModel

@Suite struct QueryConfigTests {
    private func parse(_ query: String, environment: [String: String] = [:]) throws -> QueryConfig {
        try TrellisConfig.parse("""
            receivers: { otlp: { protocols: { grpc: } } }
            exporters: { nop: {} }
            service: { pipelines: { traces: { receivers: [otlp], exporters: [nop] } } }
            query: \(query)
            """, environment: environment).query
    }

    private func error(_ query: String) -> String? {
        do {
            _ = try parse(query)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsAreOpenWithJaegersLimitsAndTenSeconds() throws {
        let query = try parse("{ endpoint: 127.0.0.1:16686 }")
        #expect(query.auth == nil)
        #expect(query.defaultLimit == 20)
        #expect(query.maxLimit == 1000)
        #expect(query.timeout == .seconds(10))
    }

    @Test func bearerTokenComesInlineFromTheEnvironmentOrFromAFileTrimmed() throws {
        #expect(try parse("{ auth: { bearer_token: \"${env:TOKEN}\" } }", environment: ["TOKEN": "abc"]).auth?.bearerToken == "abc")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-token-\(UUID().uuidString)").path
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try parse("{ auth: { bearer_token_file: \(file) } }").auth?.bearerToken == "from-file")
    }

    @Test func badAuthAndLimitsNameTheirKey() {
        #expect(error("{ auth: {} }") == "query.auth: set bearer_token or bearer_token_file")
        #expect(error("{ auth: { bearer_token: a, bearer_token_file: /x } }") == "query.auth: set only one of bearer_token and bearer_token_file")
        #expect(error("{ auth: { bearer_token_file: /nonexistent/token } }")?.hasPrefix("query.auth.bearer_token_file: cannot read /nonexistent/token") == true)
        #expect(error("{ auth: { bearer_token: \"  \" } }") == "query.auth.bearer_token: the token is empty")
        #expect(error("{ max_limit: 0 }") == "query.max_limit: must be between 1 and 100000, got 0")
        #expect(error("{ max_limit: 10, default_limit: 20 }") == "query.default_limit: must be between 1 and max_limit (10), got 20")
        #expect(error("{ timeout: 0s }") == "query.timeout: must be above zero")
        #expect(error("{ auth: { token: x } }")?.hasPrefix("query.auth.token: unknown key") == true)
    }
}
