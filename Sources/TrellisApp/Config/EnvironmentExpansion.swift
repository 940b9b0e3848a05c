import TrellisModel
/// Expands `${env:NAME}` (and `${NAME}`) in config text, as the collector does; `$$` is a literal `$`.
enum EnvironmentExpansion {
    static func expand(_ text: String, environment: [String: String]) throws(ConfigError) -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.first == "$" {
                out += "$"
                rest = after.dropFirst()
            } else if after.first == "{", let close = after.firstIndex(of: "}") {
                var name = after[after.index(after: after.startIndex)..<close]
                if name.hasPrefix("env:") { name = name.dropFirst(4) }
                guard let value = environment[String(name)] else { throw .unsetEnvironmentVariable(name: String(name)) }
                out += value
                rest = after[after.index(after: close)...]
            } else {
                out += "$"
                rest = after
            }
        }
        return out + rest
    }
}
