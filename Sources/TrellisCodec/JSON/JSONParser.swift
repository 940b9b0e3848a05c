/// A strict RFC 8259 JSON parser over bytes.
///
/// It decodes every escape (surrogate pairs included), repairs invalid UTF-8 and lone surrogates
/// inside strings with U+FFFD (listing the repaired strings, so decoders can warn; a string that
/// is otherwise well formed is no reason to lose a request), refuses leading zeros and trailing
/// data, and limits nesting depth.
/// Containers are tracked on an explicit stack, not by recursion, so no input can exhaust the
/// call stack or make the parser hang: every step consumes at least one byte.
/// Errors are `CodecError.invalidJSON(offset:reason:)` with the byte offset of the problem,
/// or `CodecError.nestingTooDeep` when arrays and objects nest deeper than `maxDepth`.
struct JSONParser: Sendable {
    /// The largest number of arrays and objects that may enclose one another.
    var maxDepth: Int

    init(maxDepth: Int = 128) {
        self.maxDepth = max(1, maxDepth)
    }

    func parse(_ bytes: [UInt8]) throws(CodecError) -> JSONValue {
        var repaired: Set<String> = []
        return try parse(bytes, repairedStrings: &repaired)
    }

    /// Parses `bytes`, adding every string it repaired (as it reads after repair) to `repairedStrings`.
    func parse(_ bytes: [UInt8], repairedStrings: inout Set<String>) throws(CodecError) -> JSONValue {
        var outcome: Result<JSONValue, CodecError> = .success(.null)
        bytes.withUnsafeBytes { raw in
            outcome = Result { () throws(CodecError) in try parse(raw, repairedStrings: &repairedStrings) }
        }
        return try outcome.get()
    }

    func parse(_ bytes: UnsafeRawBufferPointer, repairedStrings: inout Set<String>) throws(CodecError) -> JSONValue {
        var scanner = Scanner(bytes: bytes.bindMemory(to: UInt8.self), maxDepth: maxDepth)
        defer { repairedStrings.formUnion(scanner.repairedStrings) }
        return try scanner.document()
    }
}

/// One open array or object while its members are being read.
private struct OpenContainer {
    var isObject: Bool
    var elements: [JSONValue] = []
    var members: [(key: String, value: JSONValue)] = []
    /// The key whose value is being read (objects only).
    var pendingKey = ""

    var value: JSONValue { isObject ? .object(members) : .array(elements) }
}

private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var offset = 0
    var stack: [OpenContainer] = []
    var repairedStrings: Set<String> = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    // MARK: Structure

    mutating func document() throws(CodecError) -> JSONValue {
        readValue: while true {
            skipWhitespace()
            var value: JSONValue
            guard let c = peek() else { throw fail("unexpected end of input; expected a value") }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maxDepth else {
                    throw .nestingTooDeep(field: "JSON value at byte \(offset)", limit: maxDepth)
                }
                let isObject = c == UInt8(ascii: "{")
                offset += 1
                skipWhitespace()
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    offset += 1
                    value = isObject ? .object([]) : .array([])
                } else {
                    var container = OpenContainer(isObject: isObject)
                    if isObject { container.pendingKey = try memberKey() }
                    stack.append(container)
                    continue readValue
                }
            case UInt8(ascii: "\""):
                value = .string(try string())
            case UInt8(ascii: "t"):
                value = try literal("true", .bool(true))
            case UInt8(ascii: "f"):
                value = try literal("false", .bool(false))
            case UInt8(ascii: "n"):
                value = try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try number())
            default:
                throw fail("unexpected \(describe(c)); expected a value")
            }

            // A value is complete: hand it to the enclosing containers, closing those that end here.
            while true {
                guard var container = stack.popLast() else {
                    skipWhitespace()
                    guard offset == bytes.count else { throw fail("unexpected \(describe(bytes[offset])) after the JSON value") }
                    return value
                }
                if container.isObject {
                    container.members.append((container.pendingKey, value))
                } else {
                    container.elements.append(value)
                }
                skipWhitespace()
                let close = container.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                switch peek() {
                case UInt8(ascii: ","):
                    offset += 1
                    if container.isObject {
                        skipWhitespace()
                        container.pendingKey = try memberKey()
                    }
                    stack.append(container)
                    continue readValue
                case close:
                    offset += 1
                    value = container.value
                case nil:
                    throw fail(container.isObject ? "unexpected end of input in an object" : "unexpected end of input in an array")
                case let other?:
                    throw fail(container.isObject
                        ? "expected ',' or '}' after an object member, found \(describe(other))"
                        : "expected ',' or ']' after an array element, found \(describe(other))")
                }
            }
        }
    }

    /// Reads `"key"` and the `:` after it, leaving the offset at the value.
    private mutating func memberKey() throws(CodecError) -> String {
        guard let c = peek() else { throw fail("unexpected end of input in an object") }
        guard c == UInt8(ascii: "\"") else { throw fail("expected a string key in an object, found \(describe(c))") }
        let key = try string()
        skipWhitespace()
        guard let colon = peek() else { throw fail("unexpected end of input; expected ':' after object key") }
        guard colon == UInt8(ascii: ":") else { throw fail("expected ':' after object key, found \(describe(colon))") }
        offset += 1
        return key
    }

    // MARK: Scalars

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(CodecError) -> JSONValue {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in text {
            guard let c = peek() else { throw fail("unexpected end of input in literal '\(word)'") }
            guard c == expected else { throw fail("invalid literal; expected '\(word)'") }
            offset += 1
        }
        return value
    }

    private mutating func number() throws(CodecError) -> String {
        let start = offset
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard let first = peek() else { throw fail("unexpected end of input in a number") }
        guard isDigit(first) else { throw fail("expected a digit in a number, found \(describe(first))") }
        if first == UInt8(ascii: "0") {
            offset += 1
            if let next = peek(), isDigit(next) { throw fail("leading zeros are not allowed in numbers") }
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            guard skipDigits() > 0 else {
                throw fail(peek() == nil ? "unexpected end of input in a number" : "expected a digit after the decimal point")
            }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            offset += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { offset += 1 }
            guard skipDigits() > 0 else {
                throw fail(peek() == nil ? "unexpected end of input in a number" : "expected a digit in the exponent")
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = offset
        while let c = peek(), isDigit(c) { offset += 1 }
        return offset - start
    }

    /// Reads a string starting at its opening quote; decodes escapes and repairs invalid UTF-8.
    private mutating func string() throws(CodecError) -> String {
        let openingQuote = offset
        offset += 1
        var decoded: [UInt8] = []
        var runStart = offset  // start of the bytes not yet copied into `decoded`
        var hasEscapes = false
        var repaired = false
        while true {
            guard let c = peek() else { throw CodecError.invalidJSON(offset: openingQuote, reason: "unterminated string") }
            switch c {
            case UInt8(ascii: "\""):
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<offset])
                offset += 1
                let text: String
                if hasEscapes {
                    decoded.append(contentsOf: run)
                    text = String(decoding: decoded, as: UTF8.self)
                } else {
                    text = String(decoding: run, as: UTF8.self)
                }
                if repaired { repairedStrings.insert(text) }
                return text
            case UInt8(ascii: "\\"):
                hasEscapes = true
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
                if try !escape(into: &decoded) { repaired = true }
                runStart = offset
            case 0..<0x20:
                throw fail("unescaped control character 0x\(hexByte(c)) in a string")
            case 0x20..<0x80:
                offset += 1
            default:
                if !skipUTF8Sequence() { repaired = true }
            }
        }
    }

    /// Steps over one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
    /// ≤ U+10FFFF) and returns true; for an ill-formed one, steps over its first byte only and
    /// returns false (`String(decoding:as:)` later puts U+FFFD in its place).
    private mutating func skipUTF8Sequence() -> Bool {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default:
            offset += 1
            return false
        }
        for i in 1..<length {
            let at = offset + i
            guard at < bytes.count, (i == 1 ? secondRange : 0x80...0xBF).contains(bytes[at]) else {
                offset += 1
                return false
            }
        }
        offset += length
        return true
    }

    /// Decodes the escape after a backslash (the offset is at the backslash). Returns false when
    /// it was a lone surrogate, which is written as U+FFFD.
    private mutating func escape(into out: inout [UInt8]) throws(CodecError) -> Bool {
        let backslash = offset
        offset += 1
        guard let c = peek() else { throw fail("unexpected end of input in an escape sequence") }
        offset += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try hex4()
            switch scalar {
            case 0xDC00...0xDFFF:
                appendUTF8(0xFFFD, to: &out)
                return false
            case 0xD800...0xDBFF:
                let afterHigh = offset
                if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                    offset += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        appendUTF8(0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00), to: &out)
                        return true
                    }
                }
                offset = afterHigh  // the next escape, if any, is read on its own
                appendUTF8(0xFFFD, to: &out)
                return false
            default:
                appendUTF8(scalar, to: &out)
            }
        default:
            throw CodecError.invalidJSON(offset: backslash, reason: "invalid escape '\\\(describePlain(c))' in a string")
        }
        return true
    }

    private mutating func hex4() throws(CodecError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek() else { throw fail("unexpected end of input in a \\u escape") }
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = c &- UInt8(ascii: "A") &+ 10
            default: throw fail("invalid hex digit \(describe(c)) in a \\u escape")
            }
            value = value << 4 | UInt32(nibble)
            offset += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Helpers

    private func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private mutating func skipWhitespace() {
        while let c = peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { offset += 1 }
    }

    private func fail(_ reason: String) -> CodecError { .invalidJSON(offset: offset, reason: reason) }

    /// `'x'` for printable ASCII, `byte 0xNN` otherwise.
    private func describe(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(hexByte(c))"
    }

    private func describePlain(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? String(Character(Unicode.Scalar(c))) : "<0x\(hexByte(c))>"
    }

    private func hexByte(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(c >> 4)], digits[Int(c & 0xF)]], as: UTF8.self)
    }
}
