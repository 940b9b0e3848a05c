import TrellisCodec
import TrellisModel

/// Times the OTLP decoders over the same realistic 100-span request bodies:
/// the full protobuf decode into the model, libprotobuf-c's unpack alone (the ceiling),
/// and the OTLP/JSON decode.
struct DecodeBenchmark {
    var requests = 64
    var spansPerRequest = 100
    var seconds = 3.0

    func run() throws -> String {
        var random = SplitMix64(seed: 1)
        let factory = SyntheticTraces(spansPerTrace: 5)
        let batches = (0..<requests).map { i in factory.request(spanCount: spansPerRequest, startNanos: 1_700_000_000_000_000_000 + UInt64(i) * 1_000_000_000, random: &random) }
        let bodies = batches.map { OTLPProtobufEncoder().encode($0) }
        let jsonBodies = batches.map { OTLPJSONEncoder().encode($0) }
        let wireBytes = bodies.reduce(0) { $0 + $1.count }
        let decoder = OTLPProtobufDecoder()

        let raw = try measure(seconds: seconds) { () throws -> Int in
            var spans = 0
            for body in bodies { spans += try body.withUnsafeBytes { try decoder.unpackOnly($0) } }
            return spans
        }
        let full = try measure(seconds: seconds) { () throws -> Int in
            var spans = 0
            for body in bodies { spans += try decoder.decode(body).batch.spanCount }
            return spans
        }
        let jsonDecoder = OTLPJSONDecoder()
        let json = try measure(seconds: seconds) { () throws -> Int in
            var spans = 0
            for body in jsonBodies { spans += try jsonDecoder.decode(body).batch.spanCount }
            return spans
        }
        let bytesPerSpan = Double(wireBytes) / Double(requests * spansPerRequest)
        return JSONLine([
            ("benchmark", .string("otlp-decode")),
            ("protobuf_spans_per_sec", .int(Int(full))),
            ("raw_unpack_spans_per_sec", .int(Int(raw))),
            ("ratio_to_raw", .double(full / raw)),
            ("json_spans_per_sec", .int(Int(json))),
            ("bytes_per_sec", .int(Int(full * bytesPerSpan))),
            ("wire_bytes_per_span", .double(bytesPerSpan)),
        ]).text
    }

    /// Runs `body` repeatedly for about `seconds` and returns the items (spans) per second it reported.
    private func measure(seconds: Double, _ body: () throws -> Int) throws -> Double {
        _ = try body()
        let clock = ContinuousClock()
        let start = clock.now
        var items = 0
        while true {
            items += try body()
            let elapsed = start.duration(to: clock.now)
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if s >= seconds { return Double(items) / s }
        }
    }
}
