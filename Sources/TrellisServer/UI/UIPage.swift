/// The web UI's page shell and HTML helpers: one stylesheet inlined in every page (no asset
/// requests, nothing fetched from the internet), a navigation bar, and escaping.
enum UIPage {
    /// `text` with `& < > " '` escaped for HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A whole page: `title` in the tab and the heading, `body` as given (already HTML).
    static func render(title: String, body: String) -> [UInt8] {
        Array("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,"><title>\(escape(title)) · Trellis</title><style>\(style)</style></head>
        <body><nav><a class="brand" href="/search">Trellis</a><a href="/search">Search</a><a href="/dependencies">Dependencies</a><a href="/monitor">Monitor</a><a href="/endpoint">Where the time goes</a></nav>
        <main><h1>\(escape(title))</h1>
        \(body)
        </main></body></html>
        """.utf8)
    }

    /// The page for an error answer; a 401 links to the login, which comes back to `path`.
    static func error(status: Int, message: String, path: String) -> [UInt8] {
        let login = UILogin.localPath(path).map { "<p><a id=\"login\" href=\"/login?next=\(escape(PercentEncoding.query($0)))\">Log in</a></p>" } ?? ""
        return render(title: "Error \(status)", body: "<p class=\"error\">\(escape(message))</p>" + (status == 401 ? login : ""))
    }

    /// An `<option>` whose value is `value` exactly (escaped), shown as `label` (default the value).
    static func option(_ value: String, label: String? = nil, selected: Bool) -> String {
        "<option value=\"\(escape(value))\"\(selected ? " selected" : "")>\(escape(label ?? value))</option>"
    }

    /// A stable colour for a service (a hue from its name's FNV-1a hash).
    static func color(of service: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in service.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return "hsl(\(hash % 360), 60%, 45%)"
    }

    /// A round colour mark for `service`, before its name.
    static func chip(_ service: String) -> String {
        "<span class=\"chip\" style=\"background:\(color(of: service))\"></span>"
    }

    /// Microseconds as `850µs`, `12.3ms`, `4.56s`.
    static func duration(micros: UInt64) -> String {
        if micros < 1_000 { return "\(micros)µs" }
        if micros < 1_000_000 { return String(format3: Double(micros) / 1_000) + "ms" }
        return String(format3: Double(micros) / 1_000_000) + "s"
    }

    private static let style = """
    :root{color-scheme:light dark}body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}nav{background:#1d2b3a;padding:.5em 1em}nav a{color:#dde;margin-right:1.5em;text-decoration:none}
    nav .brand{font-weight:bold;color:#fff}main{padding:1em 1.5em}h1{font-size:1.3em;margin:.3em 0 .8em}table{border-collapse:collapse}
    td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}.error{color:#b00020}.muted,small{color:#777}
    form.search{display:flex;flex-wrap:wrap;gap:.6em;align-items:end;margin-bottom:1em}form.search label{display:flex;flex-direction:column;font-size:.85em}
    .chip{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:.3em;background:var(--s)}.err{color:#b00020;font-weight:bold}
    .waterfall{border:1px solid #ccc}.row{display:flex;align-items:center;border-bottom:1px solid #f0f0f0;min-height:1.6em}
    .label{width:34%;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-size:.9em}.track{position:relative;flex:1;height:1.1em;overflow:hidden}
    .bar{position:absolute;top:.2em;height:.7em;border-radius:2px;opacity:.8;background:var(--s);left:calc((var(--l) - var(--a,0))/var(--w,1)*1%);width:max(.2%,calc(var(--d)/var(--w,1)*1%))}
    #minimap rect{fill:var(--s)}#minimap #zoom{fill:#3366cc;fill-opacity:.06;stroke:#3366cc;cursor:crosshair}.row:focus{outline:2px solid #3366cc}.bar.critical{outline:2px solid #000;opacity:1}
    details.span>summary{list-style:none;cursor:pointer}details.span>summary::-webkit-details-marker{display:none}.children{margin-left:.9em}
    .ticks{display:flex;justify-content:space-between;font-size:.75em;color:#777;margin-left:34%}.detail{font-size:.85em;margin:.2em 0 .5em 1em}
    svg.fit{max-width:100%;height:auto}.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}svg.chart{border:1px solid #ccc}svg text{font:11px system-ui,sans-serif;fill:currentColor}.row.match{background:#fff2a8;color:#222}.warning{background:#fff4ce;color:#222;padding:.3em .6em;margin:.2em 0}
    a:focus,summary:focus,button:focus,select:focus,input:focus{outline:2px solid #3366cc}
    @media (max-width:700px){.label{width:50%}.ticks{margin-left:50%}main{padding:.5em}table{display:block;overflow-x:auto}}
    @media (prefers-color-scheme:dark){body{background:#15191e;color:#ddd}a{color:#8ab4f8}td,th{border-color:#333}
    .waterfall{border-color:#444}.row{border-color:#222}.muted,small{color:#999}.bar.critical{outline-color:#fff}}
    """
}

extension String {
    /// Three significant digits at most, no trailing zeros (`12.3`, `4.56`, `100`).
    init(format3 value: Double) {
        let rounded = value >= 100 ? value.rounded() : value >= 10 ? (value * 10).rounded() / 10 : (value * 100).rounded() / 100
        self = rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
