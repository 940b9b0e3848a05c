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
        ("\"\\ud83d\"", "lone high surrogate \\uD83D in a string"),
        ("\"\\ude42\"", "lone low surrogate \\uDE42 in a string"),
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

    @Test func invalidUTF8InAStringIsRejected() {
        #expect(error([0x22, 0xC3, 0x28, 0x22]) == .invalidJSON(offset: 2, reason: "invalid UTF-8 sequence in a string (byte 0x28 after 0xC3)"))
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
