import Synchronization
import TrellisCodec
import TrellisModel

/// Hands out request bodies: protobuf templates patched with fresh IDs, or freshly encoded
/// OTLP/JSON; gzip-compressed when asked. Shared by all senders.
final class BodySource: Sendable {
    private struct State {
        var templates: RequestTemplates?
        var random: SplitMix64
        var factory: SyntheticTraces
    }

    private let state: Mutex<State>
    private let json: Bool
    private let gzip: Bool
    private let spansPerRequest: Int

    init(options: LoadRun.Options) {
        json = options.target.wireProtocol == .httpJSON
        gzip = options.gzip
        spansPerRequest = options.spansPerRequest
        let templates = json ? nil : RequestTemplates(count: 16, spansPerRequest: options.spansPerRequest, spansPerTrace: options.spansPerTrace,
                                                      extraAttributes: options.attributes, seed: options.seed)
        state = Mutex(State(templates: templates, random: SplitMix64(seed: options.seed &+ 1),
                            factory: SyntheticTraces(spansPerTrace: options.spansPerTrace, extraAttributes: options.attributes)))
    }

    func next() -> (body: [UInt8], spans: Int) {
        let wallNanos = WallClock.nowNanos()
        var (body, spans) = state.withLock { s -> ([UInt8], Int) in
            if s.templates != nil {
                return s.templates!.nextBody(nowNanos: wallNanos, random: &s.random)
            }
            let batch = s.factory.request(spanCount: spansPerRequest, startNanos: wallNanos, random: &s.random)
            return (OTLPJSONEncoder().encode(batch), batch.spanCount)
        }
        if gzip { body = Gzip.deflate(body, level: 1) }
        return (body, spans)
    }
}
