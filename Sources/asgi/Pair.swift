import ArgumentParser
import Foundation
import HTTPTypes
import TestClient

/// `k=v` arguments and their encodings.
enum Pair {
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    static func split(_ text: String) -> (String, String) {
        guard let equals = text.firstIndex(of: "=") else { return (text, "") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    static func encode(_ text: String, allowed: CharacterSet) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `application/x-www-form-urlencoded`, as browsers and the client's `form:` write it.
    static func formEncoded(_ fields: [(String, String)]) -> [UInt8] {
        let allowed = unreserved.union(CharacterSet(charactersIn: "* "))
        let text = fields.map { name, value in
            encode(name, allowed: allowed).replacingOccurrences(of: " ", with: "+") + "="
                + encode(value, allowed: allowed).replacingOccurrences(of: " ", with: "+")
        }
        return Array(text.joined(separator: "&").utf8)
    }
}
