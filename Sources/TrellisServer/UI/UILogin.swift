import NIOHTTP1

/// `/login`: how a browser, which cannot send a bearer header, gets into a UI protected by
/// `query.auth`. `GET` shows a form for the token; `POST` (form-encoded `token=`) checks it and
/// sets it as the cookie `trellis_token` (HttpOnly, SameSite=Strict, Path=/), which `BearerAuth`
/// then takes in place of the header, and sends the browser to `next` (a path on this site,
/// default `/search`; anything a browser could read as another site's address is not followed). A wrong token gets the form again with 401. Without `query.auth` there is nothing
/// to log in to: it sends the browser to the search.
enum UILogin {
    static let cookieName = "trellis_token"

    static func respond(to request: HTTPRequest, auth: BearerAuth?) -> HTTPResponse {
        let next = request.query("next").flatMap(localPath) ?? "/search"
        guard let auth else { return redirect(to: next) }
        switch request.head.method {
        case .GET:
            return page(status: .ok, next: next, message: nil)
        case .POST:
            let form = String(decoding: request.body, as: UTF8.self)
            let token = form.split(separator: "&").compactMap { pair -> String? in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return parts.count == 2 && parts[0] == "token" ? PercentDecoding.decode(parts[1], plusIsSpace: true) : nil
            }.first ?? ""
            guard auth.accepts(token: token) else { return page(status: .unauthorized, next: next, message: "That token is not valid.") }
            var response = redirect(to: next)
            response.headers.append(("Set-Cookie", "\(cookieName)=\(PercentEncoding.query(token)); HttpOnly; SameSite=Strict; Path=/"))
            return response
        default:
            var response = HTTPResponse.text(.methodNotAllowed, "use GET or POST on /login")
            response.headers.append(("Allow", "GET, POST"))
            return response
        }
    }

    /// `path` when a browser can only read it as a path on this site: it starts with one `/`, and
    /// holds no backslash (browsers read `/\\host` as `//host`) and no control character.
    static func localPath(_ path: String) -> String? {
        guard path.hasPrefix("/"), !path.hasPrefix("//"),
              !path.unicodeScalars.contains(where: { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return path
    }

    private static func redirect(to path: String) -> HTTPResponse {
        HTTPResponse(status: .seeOther, headers: [("Location", path), ("Content-Length", "0")])
    }

    private static func page(status: HTTPResponseStatus, next: String, message: String?) -> HTTPResponse {
        let body = """
        \(message.map { "<p class=\"error\">\(UIPage.escape($0))</p>" } ?? "")
        <form method="post" action="/login?next=\(PercentEncoding.query(next))"><label>Token <input type="password" name="token" autofocus></label>
        <button type="submit">Log in</button></form>
        <p class="muted">The token is the one in <code>query.auth</code>; it is kept in an HttpOnly cookie for this site.</p>
        """
        return HTTPResponse(status: status, contentType: "text/html; charset=utf-8", body: UIPage.render(title: "Log in", body: body))
    }
}
