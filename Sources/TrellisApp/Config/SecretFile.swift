import Foundation
import TrellisModel

/// A secret a config names by file (`bearer_token_file`, `password_file`), read once at load.
enum SecretFile {
    /// The file's text; throws `ConfigError.invalidValue` at `key` naming the file and why it cannot be read.
    static func read(_ file: String, key: String) throws(ConfigError) -> String {
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .invalidValue(path: key, reason: "cannot read \(file): \((error as NSError).localizedDescription)")
        }
    }
}
