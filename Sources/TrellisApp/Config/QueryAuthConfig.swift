import Foundation
import TrellisModel

/// `query.auth`: the bearer token the query API asks for, given inline (`bearer_token`, where
/// `${env:NAME}` keeps it out of the file) or as a file holding it (`bearer_token_file`, read
/// once at startup, surrounding whitespace trimmed). Exactly one of the two.
public struct QueryAuthConfig: Decodable, Sendable, Hashable {
    /// The token, as read.
    public var bearerToken: String

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case bearerToken = "bearer_token"
        case bearerTokenFile = "bearer_token_file"
    }

    public init(bearerToken: String) {
        self.bearerToken = bearerToken
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = ConfigPath.dotted(decoder.codingPath)
        let inline = try c.decodeIfPresent(String.self, forKey: .bearerToken)
        let file = try c.decodeIfPresent(String.self, forKey: .bearerTokenFile)
        let token: String
        switch (inline, file) {
        case (let inline?, nil):
            token = inline
        case (nil, let file?):
            token = try SecretFile.read(file, key: path + ".bearer_token_file")
        case (nil, nil):
            throw ConfigError.invalidValue(path: path, reason: "set bearer_token or bearer_token_file")
        case (.some, .some):
            throw ConfigError.invalidValue(path: path, reason: "set only one of bearer_token and bearer_token_file")
        }
        bearerToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !bearerToken.isEmpty else {
            throw ConfigError.invalidValue(path: path + (file == nil ? ".bearer_token" : ".bearer_token_file"), reason: "the token is empty")
        }
        guard bearerToken.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ConfigError.invalidValue(path: path, reason: "the token must be printable ASCII without spaces")
        }
    }
}
