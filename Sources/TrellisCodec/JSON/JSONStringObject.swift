/// Reads a flat JSON object of scalar members, such as Jaeger's `tags={"http.method":"GET"}`
/// search parameter, as key/value text pairs in source order.
///
/// Strings give their contents; numbers their source text; booleans `true`/`false`. Null,
/// arrays and nested objects are refused, naming the member.
public enum JSONStringObject {
    public static func decode(_ text: String) throws(CodecError) -> [(key: String, value: String)] {
        let document = try JSONParser(maxDepth: 2).parse(Array(text.utf8))
        guard case .object(let members) = document else {
            throw .wrongJSONType(field: "(top level)", expected: "an object")
        }
        return try members.map { member throws(CodecError) in
            switch member.value {
            case .string(let s): return (member.key, s)
            case .number(let n): return (member.key, n)
            case .bool(let b): return (member.key, b ? "true" : "false")
            case .null, .array, .object:
                throw .wrongJSONType(field: member.key, expected: "a string, number or boolean, not \(member.value.typeDescription)")
            }
        }
    }
}
