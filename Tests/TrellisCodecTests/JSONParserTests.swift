import Testing
@testable import TrellisCodec

@Suite struct JSONParserTests {
    private func error(_ text: String) -> CodecError? {
        error(Array(text.utf8))
    }

    private func error(_ bytes: [UInt8]) -> CodecError? {
        do {
            _ = try JSONParser().parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesNestedValuesKeepingNumberTextAndMemberOrder() throws {
        let value = try JSONParser().parse(Array(#"{"b":[1,-2.5e3,true,null],"a":"x\u00e9\ud83d\ude42\n","n":9223372036854775807}"#.utf8))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "n"])
        guard case .number(let big)? = value["n"] else { Issue.record("n is not a number"); return }
        #expect(big == "9223372036854775807")
        guard case .string(let s)? = value["a"] else { Issue.record("a is not a string"); return }
        #expect(s == "xé🙂\n")
    }

    @Test(arguments: [
        ("{\"a\":1", "unexpected end of input in an object"),
        ("[1,2", "unexpected end of input in an array"),
        ("{\"a\" 1}", "expected ':' after object key, found '1'"),
        ("\"abc", "unterminated string"),
        ("\"\\x\"", "invalid escape '\\x' in a string"),
        ("01", "leading zeros are not allowed in numbers"),
        ("1.", "unexpected end of input in a number"),
        ("[1] x", "unexpected 'x' after the JSON value"),
        ("tru", "unexpected end of input in literal 'true'"),
        ("", "unexpected end of input; expected a value"),
    ])
    func malformedJSONGetsAPreciseReason(text: String, reason: String) {
        guard case .invalidJSON(_, let got)? = error(text) else {
            Issue.record("expected invalidJSON for \(text)")
            return
        }
        #expect(got == reason)
    }

    @Test(arguments: [
        ([0x22, 0xC3, 0x28, 0x22], "\u{FFFD}("),                       // a lead byte without its continuation
        ([0x22, 0x63, 0x61, 0x6C, 0xC3, 0x22], "cal\u{FFFD}"),         // truncated at the end of the string
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // an overlong encoding of '/'
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // an encoded surrogate
        (Array(#""\ud83d""#.utf8), "\u{FFFD}"),                        // a lone high surrogate escape
        (Array(#""\ude42x""#.utf8), "\u{FFFD}x"),                      // a lone low surrogate escape
        (Array(#""\ud83d\u0041""#.utf8), "\u{FFFD}A"),                // a high surrogate before a non-surrogate
    ] as [([UInt8], String)])
    func invalidUTF8AndLoneSurrogatesAreRepairedAndListed(bytes: [UInt8], expected: String) throws {
        var repaired: Set<String> = []
        let value = try JSONParser().parse(bytes, repairedStrings: &repaired)
        #expect(value == .string(expected))
        #expect(repaired == [expected])
    }

    @Test func wellFormedStringsAreNotListedAsRepaired() throws {
        var repaired: Set<String> = []
        _ = try JSONParser().parse(Array(#"{"k\u00e9":"\ud83d\ude42 \ufffd ok"}"#.utf8), repairedStrings: &repaired)
        #expect(repaired.isEmpty)
    }

    @Test func thousandLevelsOfNestingAreRefusedNotRecursed() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        guard case .nestingTooDeep(_, let limit)? = error(deep) else { Issue.record("expected nestingTooDeep"); return }
        #expect(limit == 128)
        let deepObject = String(repeating: "{\"a\":", count: 100_000)
        #expect(error(deepObject) != nil)
    }

    @Test func randomBytesNeverCrashTheParser() {
        var random = RandomSpans(seed: 5)
        let alphabet = Array("{}[]\":,0123456789.eE-+truefalsn\\u ".utf8)
        for _ in 0..<5000 {
            let bytes = (0..<random.int(0...60)).map { _ in random.bool() ? alphabet[random.int(0...(alphabet.count - 1))] : UInt8(truncatingIfNeeded: random.next()) }
            _ = try? JSONParser().parse(bytes)
        }
    }
}
