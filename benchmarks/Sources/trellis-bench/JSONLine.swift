/// One line of JSON with the keys in the order given: the output format of every benchmark.
struct JSONLine {
    enum Value {
        case string(String)
        case int(Int)
        case double(Double)
    }

    let text: String

    init(_ fields: [(String, Value)]) {
        text = "{" + fields.map { key, value in
            let rendered: String
            switch value {
            case .string(let s): rendered = "\"\(s)\""
            case .int(let i): rendered = String(i)
            case .double(let d): rendered = String((d * 1000).rounded() / 1000)
            }
            return "\"\(key)\":\(rendered)"
        }.joined(separator: ",") + "}"
    }
}
