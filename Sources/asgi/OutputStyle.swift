import ArgumentParser
import Foundation

/// What to print and how, from `--print`, `-v`, `--pretty`, `NO_COLOR` and whether stdout is a
/// terminal.
struct OutputStyle {
    /// httpie's letters: `H` request headers, `B` request body, `h` response headers, `b` response body.
    var parts: Set<Character>
    var colors: Bool
    var format: Bool
    /// A terminal gets "binary data, N bytes" in place of a binary body; a pipe gets the bytes.
    var toTerminal: Bool

    init(_ command: ASGICommand, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        parts = try Self.parts(command.printed, verbose: command.verbose)
        toTerminal = StandardOutput.isTerminal
        switch command.pretty {
        case .all?: (colors, format) = (true, true)
        case .colors?: (colors, format) = (true, false)
        case .format?: (colors, format) = (false, true)
        case .none?: (colors, format) = (false, false)
        case nil:
            // no-color.org: a NO_COLOR that is set and not empty turns colours off; an explicit
            // --pretty above overrides it, as a per-invocation flag should.
            let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
            (colors, format) = (toTerminal && !noColor, true)
        }
    }

    var showsRequest: Bool { parts.contains("H") || parts.contains("B") }

    /// The letters of `--print`; `-v` alone means all four, and no option `hb`.
    /// - Throws: `ValidationError` for an empty value or another letter.
    static func parts(_ printed: String?, verbose: Bool) throws -> Set<Character> {
        guard let printed else { return verbose ? ["H", "B", "h", "b"] : ["h", "b"] }
        let letters = Set(printed)
        guard !letters.isEmpty, letters.isSubset(of: ["H", "B", "h", "b"]) else {
            throw ValidationError(
                "--print takes the letters H (request headers), B (request body), h (response headers) "
                    + "and b (response body), got \"\(printed)\"."
            )
        }
        return letters
    }

    /// `text` in an SGR colour when colours are on.
    func paint(_ text: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
