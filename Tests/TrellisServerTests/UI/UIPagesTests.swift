import Testing
import TrellisCodec
import TrellisModel
import TrellisStorage
@testable import TrellisServer

/// The web UI's pages over the query fixture, as HTML on the wire (the e2e suite checks them in a real browser).
@Suite struct UIPagesTests {
    private static let window = "start=\((QueryFixture.base - 60 * QueryFixture.ms * 1000) / 1000)&end=\((QueryFixture.base + 60 * QueryFixture.ms * 1000) / 1000)"

    /// `window` as a link in a page writes it.
    private static let windowInLink = window.replacingOccurrences(of: "&", with: "&amp;")

    private func page(_ port: Int, _ target: String, status: Int = 200) async throws -> String {
        let response = try await HTTPTestClient.get(port: port, target)
        #expect(response.status == status, "\(target)")
        #expect(response.header("content-type") == "text/html; charset=utf-8")
        return String(decoding: response.body, as: UTF8.self)
    }

    /// A ring holding, as one write, each service's spans under a resource naming the service.
    private func store(_ services: KeyValuePairs<String, [Span]>) async throws -> RingStore {
        let store = RingStore(maxBytes: 64 << 20)
        try await store.write(TraceBatch(resourceSpans: services.map { service, spans in
            ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(service))]), scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: spans)])
        }))
        return store
    }

    @Test func searchListsEachTraceWithItsSummaryAndPlotsIt() async throws {
        try await withQueryServer { port in
            let html = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate&\(Self.window)")
            #expect(html.contains("<option value=\"node-service\" selected>node-service</option>"))
            #expect(html.contains("<option value=\"POST /api/simulate\" selected>POST /api/simulate</option>"))
            #expect(html.components(separatedBy: "<tr class=\"trace\">").count - 1 == 2)
            #expect(html.components(separatedBy: "<circle").count - 1 == 2)
            #expect(html.contains("href=\"/trace/\(QueryFixture.errorID.hex)\""))
            #expect(html.contains("<span class=\"err\">3 errors</span>"))
            let longest = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate&sort=longest&\(Self.window)")
            let slow = try #require(longest.range(of: QueryFixture.slowID.hex)), failed = try #require(longest.range(of: "aria-label=\"compare \(QueryFixture.errorID.hex)\""))
            #expect(slow.lowerBound < failed.lowerBound)
            let shortest = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate&sort=shortest&\(Self.window)")
            #expect(try #require(shortest.range(of: "aria-label=\"compare \(QueryFixture.errorID.hex)\"")).lowerBound
                    < (try #require(shortest.range(of: "aria-label=\"compare \(QueryFixture.slowID.hex)\""))).lowerBound)
            let spans = try await page(port, "/search?service=node-service&sort=spans&\(Self.window)")
            #expect(spans.contains("<option value=\"spans\" selected>Most spans</option>"))
            let counts = spans.components(separatedBy: "<tr class=\"trace\">").dropFirst().compactMap { row in
                row.range(of: " spans").flatMap { Int(row[..<$0.lowerBound].split(separator: ">").last ?? "") }
            }
            #expect(counts.count > 2 && counts == counts.sorted(by: >))
        }
    }

    @Test func searchTakesTheUIsTagBoxAndSaysWhenNothingMatches() async throws {
        try await withQueryServer { port in
            let html = try await page(port, "/search?service=demo-service&tags=error%3Dtrue%20http.method%3D%22POST%22&\(Self.window)")
            #expect(html.components(separatedBy: "<tr class=\"trace\">").count - 1 == 1)
            #expect(try await page(port, "/search?service=demo-service&tags=http.method%3DPATCH&\(Self.window)").contains("id=\"no-results\""))
            let bad = try await page(port, "/search?service=demo-service&tags=%3Dx", status: 400)
            #expect(bad.contains("parameter &#39;tags&#39;: &#39;=x&#39; is not key=value pairs"))
        }
    }

    @Test func thePlainRootAndAnEmptySearchShowTheForm() async throws {
        try await withQueryServer { port in
            let html = try await page(port, "/")
            #expect(html.contains("<form class=\"search\""))
            #expect(html.contains("<option value=\"demo-service\">demo-service</option>"))
            #expect(!html.contains("<table id=\"results\""))
        }
    }

    @Test func aTraceShowsItsTreeCriticalPathSelfTimesAndDetails() async throws {
        try await withQueryServer { port in
            let html = try await page(port, "/trace/\(QueryFixture.errorID.hex)")
            #expect(html.contains("<title>node-service: POST /api/simulate · Trellis</title>"))
            for n in 1...3 { #expect(html.contains("id=\"span-\(QueryFixture.spanID(101, UInt64(n)).hex)\"")) }
            #expect(html.components(separatedBy: "class=\"bar critical\"").count - 1 >= 1)
            #expect(html.contains("self "))
            #expect(html.contains("<b>exception</b>"))
            #expect(html.contains("SimulatedFailure"))
            // The client span nests inside the node server span, the demo server span inside it.
            let server = try #require(html.range(of: "id=\"span-\(QueryFixture.spanID(101, 1).hex)\""))
            let demo = try #require(html.range(of: "id=\"span-\(QueryFixture.spanID(101, 3).hex)\""))
            #expect(server.lowerBound < demo.lowerBound)
            #expect(try await page(port, "/trace/\(TraceID(high: 9, low: 9).hex)", status: 404).contains("not found"))
        }
    }

    @Test func findMarksTheMatchingSpansByTextOrTag() async throws {
        try await withQueryServer { port in
            let byText = try await page(port, "/trace/\(QueryFixture.errorID.hex)?find=demo")
            #expect(byText.components(separatedBy: " match\" id=\"span-").count - 1 == 1)
            let byTag = try await page(port, "/trace/\(QueryFixture.errorID.hex)?find=http.method%3DPOST")
            #expect(byTag.components(separatedBy: " match\" id=\"span-").count - 1 == 3)
            #expect(try await page(port, "/trace/\(QueryFixture.errorID.hex)?find=nothing-like-this").contains(" match\" id=\"span-") == false)
        }
    }

    @Test func statisticsFlameGraphAndSpanTableShowEverySpan() async throws {
        try await withQueryServer { port in
            let statistics = try await page(port, "/trace/\(QueryFixture.errorID.hex)?view=statistics")
            #expect(statistics.contains("<tr><td>demo-service</td><td>POST /api/simulate</td><td>1</td>"))
            #expect(statistics.contains("<a href=\"/trace/\(QueryFixture.errorID.hex)\">timeline</a>"))
            let flame = try await page(port, "/trace/\(QueryFixture.errorID.hex)?view=flamegraph")
            #expect(flame.components(separatedBy: "<rect").count - 1 == 3)
            let table = try await page(port, "/trace/\(QueryFixture.errorID.hex)?view=table")
            #expect(table.components(separatedBy: "<td>\(QueryFixture.spanID(101, 1).hex)</td>").count - 1 == 1)
            #expect(table.components(separatedBy: "<span class=\"err\">error</span>").count - 1 == 3)
            #expect(try await page(port, "/trace/\(QueryFixture.errorID.hex)?view=pie", status: 400).contains("is not one of timeline, statistics, flamegraph, table"))
        }
    }

    @Test func twoTracesCompareAsAStructuralDiffOfTheirTrees() async throws {
        try await withQueryServer { port in
            let same = try await page(port, "/trace/\(QueryFixture.greetingID.hex)...\(QueryFixture.traceID(2).hex)")
            #expect(same.components(separatedBy: "<tr class=\"same\">").count - 1 == 3)
            let html = try await page(port, "/trace/\(QueryFixture.greetingID.hex)...\(QueryFixture.consumerID.hex)")
            #expect(html.contains("<tr class=\"only-a\"><td style=\"padding-left:1em\">node-service · GET /api/greeting</td><td>1 × 10ms</td><td>—</td><td>only a</td></tr>"))
            #expect(html.contains("<tr class=\"only-b\"><td style=\"padding-left:2em\">node-service · audit.write</td><td>—</td><td>1 × 3ms</td><td>only b</td></tr>"))
            let slow = try await page(port, "/trace/\(QueryFixture.errorID.hex)...\(QueryFixture.slowID.hex)")
            #expect(slow.components(separatedBy: "<tr class=\"changed\">").count - 1 == 3)
        }
    }

    @Test func dependenciesDrawTheServiceGraph() async throws {
        try await withQueryServer { port in
            let html = try await page(port, "/dependencies?\(Self.window)")
            #expect(html.contains("<table id=\"edges\">"))
            #expect(html.contains("<tr><td>node-service</td><td>demo-service</td><td>7</td><td>1</td></tr>"))
            #expect(html.components(separatedBy: "<a class=\"node\" href=\"/search?service=").count - 1 == 2)
            #expect(html.contains("7 calls, 1 errors"))
            // Nodes show the calls they received; a service's search keeps the graph's lookback.
            #expect(html.contains(">7 calls, "))
            #expect(html.contains("href=\"/search?service=demo-service&amp;lookback=24h&amp;\(Self.windowInLink)\""))
            #expect(html.contains("<option value=\"24h\" selected>24h</option>"))
        }
    }

    @Test func hostileSpanNamesRenderAsText() async throws {
        let id = TraceID(high: 0xBAD, low: 1)
        let store = try await self.store(["<b>svc</b>": [Span(traceID: id, spanID: SpanID(1), name: "<script>alert(1)</script>", startTimeUnixNano: 1_000, endTimeUnixNano: 2_000,
                                                         attributes: [Attribute("q", .string("\"><img src=x onerror=alert(1)>"))])]])
        try await withQueryServer(reader: store) { port in
            let html = try await page(port, "/trace/\(id.hex)")
            #expect(!html.contains("<script>alert(1)</script>") && !html.contains("<img src=x"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
            #expect(html.contains("&lt;b&gt;svc&lt;/b&gt;"))
            let service = PercentEncoding.query("<b>svc</b>"), operation = PercentEncoding.query("<script>alert(1)</script>")
            for target in ["/search?service=\(service)&start=0&end=1000", "/search?service=\(service)&operation=\(operation)&start=0&end=1000",
                           "/trace/\(id.hex)?view=statistics", "/trace/\(id.hex)?view=table", "/trace/\(id.hex)?view=flamegraph",
                           "/trace/\(id.hex)?find=\(operation)", "/trace/\(id.hex)...\(id.hex)",
                           "/endpoint?service=\(service)&operation=\(operation)&start=0&end=1000"] {
                let other = try await page(port, target)
                #expect(!other.contains("<script>alert(1)</script>") && !other.contains("<b>svc</b>") && !other.contains("<img src=x"), "\(target)")
                #expect(other.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(target)")
            }
        }
    }

    @Test func theJaegerUIsSearchAndTraceURLsWork() async throws {
        try await withQueryServer { port in
            // The Jaeger UI writes tags as JSON and a custom range as lookback=custom with start and end.
            let tags = PercentEncoding.query("{\"error\":\"true\",\"http.method\":\"POST\"}")
            let html = try await page(port, "/search?service=demo-service&tags=\(tags)&lookback=custom&\(Self.window)&limit=20&minDuration=&maxDuration=")
            #expect(html.components(separatedBy: "<tr class=\"trace\">").count - 1 == 1)
            #expect(html.contains("<option value=\"custom\" selected>custom</option>"))
            #expect(html.contains("name=\"start\" value=\"2023-11-14T22:12:20\""))
            #expect(html.contains("name=\"end\" value=\"2023-11-14T22:14:20\""))
            // A page over a custom range links and submits the same range.
            let link = "lookback=custom&amp;\(Self.windowInLink)"
            let breakdownLink = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate&lookback=custom&\(Self.window)")
            #expect(breakdownLink.contains("&amp;\(link)\">Where the time goes"))
            for target in ["/dependencies", "/endpoint?service=node-service&operation=POST%20/api/simulate"] {
                let other = try await page(port, target + (target.contains("?") ? "&" : "?") + "lookback=custom&\(Self.window)")
                #expect(other.contains("name=\"start\" value=\"2023-11-14T22:12:20\"") && other.contains("<option value=\"custom\" selected>"), "\(target)")
            }
            #expect(try await page(port, "/dependencies?lookback=custom&\(Self.window)").contains("&amp;\(link)\""))
            // Dates left in the fields after choosing a lookback again are not used: the lookback counts back from now.
            #expect(try await page(port, "/search?service=demo-service&lookback=1h&start=2023-11-14T22:12:20&end=2023-11-14T22:15").contains("id=\"no-results\""))
            // What the form's date fields send back (UTC, seconds optional) finds the same.
            let fromForm = try await page(port, "/search?service=demo-service&tags=\(tags)&lookback=custom&start=2023-11-14T22:12:20&end=2023-11-14T22:15")
            #expect(fromForm.components(separatedBy: "<tr class=\"trace\">").count - 1 == 1)
            #expect(try await page(port, "/search?service=demo-service&lookback=custom&start=yesterday", status: 400)
                .contains("parameter &#39;start&#39;: &#39;yesterday&#39; is not Unix microseconds or a UTC date and time"))
            #expect(try await page(port, "/search?service=demo-service&lookback=custom", status: 400).contains("parameter &#39;start&#39; is required"))
            // A lookback the form does not offer is kept selected.
            #expect(try await page(port, "/search?service=demo-service&lookback=45m").contains("<option value=\"45m\" selected>45m</option>"))
            // Search by trace IDs.
            let byID = try await page(port, "/search?traceID=\(QueryFixture.errorID.hex)&traceID=\(QueryFixture.slowID.hex)")
            #expect(byID.components(separatedBy: "<tr class=\"trace\">").count - 1 == 2)
            let found = try await page(port, "/trace/\(QueryFixture.errorID.hex)?uiFind=demo")
            #expect(found.components(separatedBy: " match\" id=\"span-").count - 1 == 1)
            #expect(found.contains("<span id=\"match-count\">1 of 3 spans match</span>"))
            let cohort = "/trace/\(QueryFixture.errorID.hex)...\(QueryFixture.slowID.hex)?cohort=\(QueryFixture.errorID.hex)&cohort=\(QueryFixture.slowID.hex)"
            #expect(try await page(port, cohort).contains("<table id=\"compare\">"))
        }
    }

    @Test func theSearchListsBoxesThatOpenTheComparisonOfTwoTraces() async throws {
        try await withQueryServer { port in
            let html = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate&\(Self.window)")
            #expect(html.contains("<form method=\"get\" action=\"/compare\" id=\"compare-form\">"))
            #expect(html.contains("<input type=\"checkbox\" name=\"trace\" value=\"\(QueryFixture.errorID.hex)\""))
            let (a, b) = (QueryFixture.errorID.hex, QueryFixture.slowID.hex)
            let moved = try await HTTPTestClient.get(port: port, "/compare?trace=\(a)&trace=\(b)")
            #expect(moved.status == 303 && moved.header("location") == "/trace/\(a)...\(b)")
            let one = try await HTTPTestClient.get(port: port, "/compare?trace=\(a)")
            #expect(one.status == 400 && String(decoding: one.body, as: UTF8.self).contains("parameter &#39;trace&#39; is given 1 times; give it 2 times"))
            #expect(try await HTTPTestClient.get(port: port, "/compare?trace=\(a)&trace=xyz").status == 400)
        }
    }

    @Test func theTraceDownloadsAsOTLPJSON() async throws {
        try await withQueryServer { port in
            #expect(try await page(port, "/trace/\(QueryFixture.errorID.hex)").contains("<a id=\"otlp-json\" href=\"/trace/\(QueryFixture.errorID.hex)/otlp.json\" download="))
            let answer = try await HTTPTestClient.get(port: port, "/trace/\(QueryFixture.errorID.hex)/otlp.json")
            #expect(answer.status == 200 && answer.header("content-type") == "application/json")
            let batch = try OTLPJSONDecoder().decode(answer.body).batch
            #expect(batch.spanCount == 3)
            #expect(Set(batch.flattened.map(\.span.traceID)) == [QueryFixture.errorID])
            #expect(try await HTTPTestClient.get(port: port, "/trace/\(TraceID(high: 9, low: 9).hex)/otlp.json").status == 404)
        }
    }

    @Test func withQueryAuthTheLoginSetsAnHttpOnlyCookieThePagesThenAccept() async throws {
        try await withQueryServer(QueryConfiguration(bearerToken: "s3cret token")) { port in
            let refused = try await HTTPTestClient.get(port: port, "/search")
            #expect(refused.status == 401)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("<a id=\"login\" href=\"/login?next=%2Fsearch\">Log in</a>"))
            #expect(try await page(port, "/login").contains("<input type=\"password\" name=\"token\""))
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            let wrong = try await HTTPTestClient.send(port: port, method: "POST", "/login", headers: form, body: "token=guess")
            #expect(wrong.status == 401)
            #expect(wrong.header("set-cookie") == nil)
            let right = try await HTTPTestClient.send(port: port, method: "POST", "/login?next=/dependencies", headers: form, body: "token=s3cret+token")
            #expect(right.status == 303)
            #expect(right.header("location") == "/dependencies")
            let cookie = try #require(right.header("set-cookie"))
            #expect(cookie == "trellis_token=s3cret%20token; HttpOnly; SameSite=Strict; Path=/")
            let value = String(cookie.split(separator: ";")[0])
            #expect(try await HTTPTestClient.get(port: port, "/search", headers: [("Cookie", "theme=dark; " + value)]).status == 200)
            #expect(try await HTTPTestClient.get(port: port, "/api/services", headers: [("Cookie", value)]).status == 200)
            #expect(try await HTTPTestClient.get(port: port, "/search", headers: [("Cookie", "trellis_token=nope")]).status == 401)
            for elsewhere in ["//evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "/%0D%0ASet-Cookie:x=1", "https://evil.example"] {
                let answer = try await HTTPTestClient.send(port: port, method: "POST", "/login?next=\(elsewhere)", headers: form, body: "token=s3cret+token")
                #expect(answer.header("location") == "/search", "\(elsewhere)")
            }
        }
    }

    @Test func theEndpointBreakdownNamesWhatTheCriticalPathWaitsOn() async throws {
        try await withQueryServer { port in
            let api = try await HTTPTestClient.get(port: port, "/api/endpoints/critical-path?service=node-service&operation=POST%20/api/simulate&\(Self.window)")
            #expect(api.status == 200)
            let object = try api.object()
            #expect(object["traces"] as? Int == 2)
            let parts = try #require(object["parts"] as? [[String: Any]])
            #expect(parts.first?["service"] as? String == "demo-service")
            #expect((parts.first?["shareP50"] as? Double ?? 0) > 0.5)
            let slowest = try #require(object["slowest"] as? [[String: Any]])
            #expect(slowest.map { $0["traceID"] as? String } == [QueryFixture.slowID.hex])
            let html = try await page(port, "/endpoint?service=node-service&operation=POST%20/api/simulate&\(Self.window)")
            #expect(html.components(separatedBy: "<tr class=\"part\">").count - 1 == 3)
            #expect(html.contains("<ul id=\"slowest\"><li><a href=\"/trace/\(QueryFixture.slowID.hex)\">"))
            let search = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate&\(Self.window)")
            #expect(search.contains("href=\"/endpoint?service=node-service&amp;operation=POST%20%2Fapi%2Fsimulate&amp;lookback=1h&amp;\(Self.windowInLink)\""))
            let plain = try await page(port, "/search?service=node-service&operation=POST%20/api/simulate")
            #expect(plain.contains("href=\"/endpoint?service=node-service&amp;operation=POST%20%2Fapi%2Fsimulate&amp;lookback=1h\""))
        }
    }

    @Test func aTwoThousandDeepChainRendersEverySpanWithBoundedNesting() async throws {
        let id = TraceID(high: 0xDEE9, low: 1)
        var spans: [Span] = []
        for i in UInt64(1)...2000 {
            let parent = i == 1 ? SpanID.none : SpanID(i - 1)
            spans.append(Span(traceID: id, spanID: SpanID(i), parentSpanID: parent, name: "step \(i)",
                              startTimeUnixNano: i * 1_000, endTimeUnixNano: 10_000_000 - i * 1_000))
        }
        try await withQueryServer(reader: try await store(["deep": spans])) { port in
            let html = try await page(port, "/trace/\(id.hex)")
            #expect(html.components(separatedBy: "class=\"row c0\"").count - 1 == 2000)
            #expect(html.components(separatedBy: "<details class=\"span\"").count - 1 == 32)
            #expect(html.components(separatedBy: "<details class=\"span\"").count == html.components(separatedBy: "</div></details>").count)
        }
    }

    @Test func findUnfoldsTheRowsAboveAMatchPastTheFirstScreenful() async throws {
        // A root with 300 children, each with one child: the children past the first 200 rows start folded.
        let id = TraceID(high: 0xF1D, low: 1)
        var spans = [Span(traceID: id, spanID: SpanID(1), name: "root", startTimeUnixNano: 0, endTimeUnixNano: 10_000_000)]
        for i in UInt64(1)...300 {
            spans.append(Span(traceID: id, spanID: SpanID(1_000 + i), parentSpanID: SpanID(1), name: "call \(i)", startTimeUnixNano: i * 1_000, endTimeUnixNano: i * 1_000 + 500))
            spans.append(Span(traceID: id, spanID: SpanID(2_000 + i), parentSpanID: SpanID(1_000 + i), name: "work \(i)", startTimeUnixNano: i * 1_000 + 100, endTimeUnixNano: i * 1_000 + 400))
        }
        try await withQueryServer(reader: try await store(["wide": spans])) { port in
            let open = "<details class=\"span\" open><summary><div class=\"row c0\" id=\"span-"
            let plain = try await page(port, "/trace/\(id.hex)")
            #expect(!plain.contains(open + SpanID(1_290).hex))
            let found = try await page(port, "/trace/\(id.hex)?find=work%20290")
            #expect(found.contains(open + SpanID(1_290).hex))
            #expect(found.components(separatedBy: " open>").count == plain.components(separatedBy: " open>").count + 1)
            #expect(found.contains("1 of 601 spans match"))
        }
    }

    @Test func theTraceHeaderWarnsOfClockSkewAndSpansShowTheirWarnings() async throws {
        // api's server span starts 40 µs before web's client span that called it.
        let id = TraceID(high: 0x5EE, low: 1)
        var server = Span(traceID: id, spanID: SpanID(2), parentSpanID: SpanID(1), name: "GET /x", kind: .server, startTimeUnixNano: 60_000, endTimeUnixNano: 150_000)
        server.addWarning("invalid parent span ID repaired")
        let store = try await self.store([
            "web": [Span(traceID: id, spanID: SpanID(1), name: "GET", kind: .client, startTimeUnixNano: 100_000, endTimeUnixNano: 200_000)],
            "api": [server],
        ])
        try await withQueryServer(reader: store) { port in
            let html = try await page(port, "/trace/\(id.hex)")
            #expect(html.contains("<div class=\"warning\">clock skew: span \(SpanID(2).hex) (api) starts 40 µs before its parent \(SpanID(1).hex) (web)</div>"))
            #expect(html.contains("<div class=\"warning\">invalid parent span ID repaired</div>"))
        }
    }

    @Test func noPageLinksAnythingOutsideTheServer() async throws {
        try await withQueryServer { port in
            let trace = QueryFixture.errorID.hex
            for target in ["/", "/search?service=node-service&\(Self.window)", "/trace/\(trace)", "/trace/\(trace)?view=statistics", "/trace/\(trace)?view=flamegraph",
                           "/trace/\(trace)?view=table", "/trace/\(trace)...\(QueryFixture.slowID.hex)", "/dependencies?\(Self.window)",
                           "/endpoint?service=node-service&operation=POST%20/api/simulate&\(Self.window)", "/login", "/trace/\(TraceID(high: 9, low: 9).hex)"] {
                let response = try await HTTPTestClient.get(port: port, target)
                let html = String(decoding: response.body, as: UTF8.self)
                #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"//") && !html.contains("href=\"//"), "\(target)")
            }
        }
    }

    @Test func anEventBeforeTheTraceStartShowsANegativeOffset() async throws {
        let id = TraceID(high: 0x5CE, low: 1)
        let span = Span(traceID: id, spanID: SpanID(1), name: "skewed", startTimeUnixNano: 1_000_000, endTimeUnixNano: 2_000_000,
                        events: [SpanEvent(timeUnixNano: 995_000, name: "early"), SpanEvent(timeUnixNano: 1_250_000, name: "later")])
        try await withQueryServer(reader: try await store(["s": [span]])) { port in
            let html = try await page(port, "/trace/\(id.hex)")
            #expect(html.contains("<li>−5µs <b>early</b>"))
            #expect(html.contains("<li>+250µs <b>later</b>"))
        }
    }

    @Test func theEndpointPageOffersAFormAndTakesTheEndpointsDuration() async throws {
        try await withQueryServer { port in
            let empty = try await page(port, "/endpoint")
            #expect(empty.contains("<form class=\"search\" method=\"get\" action=\"/endpoint\">") && empty.contains("Choose a service"))
            let slow = try await page(port, "/endpoint?service=node-service&operation=POST%20/api/simulate&minDuration=100ms&\(Self.window)")
            #expect(slow.contains("under node-service <b>POST /api/simulate</b> in 1 traces"))
            #expect(slow.contains("<option value=\"POST /api/simulate\" selected>"))
            #expect(slow.contains("name=\"minDuration\" placeholder=\"1s\" value=\"100ms\""))
            let api = try await HTTPTestClient.get(port: port, "/api/endpoints/critical-path?service=node-service&operation=POST%20/api/simulate&minDuration=100ms&\(Self.window)")
            #expect(try api.object()["traces"] as? Int == 1)
            #expect(try await HTTPTestClient.get(port: port, "/api/endpoints/critical-path?service=node-service&operation=x&minDuration=2s&maxDuration=1s").status == 400)
        }
    }

    @Test func textIsEscaped() {
        #expect(PercentEncoding.query("a b/ü") == "a%20b%2F%C3%BC")
        #expect(UIPage.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(RFC3339.string(unixNanos: 1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123Z")
        #expect(RFC3339.string(unixNanos: 951_782_400_000_000_000) == "2000-02-29T00:00:00.000Z")
    }
}
