import ArgumentParser
import Foundation
import TestClient

/// Where the request body comes from: one of `--json`, `--data`, `--form`/`--file`, or piped
/// standard input. Two sources are a usage error rather than one silently winning.
struct BodySource {
    var bytes: [UInt8]
    var contentType: String?

    /// The body options given, by name (`--form` with `--file` is one multipart body).
    static func options(_ command: ASGICommand) -> [String] {
        var names: [String] = []
        if command.json != nil { names.append("--json") }
        if command.data != nil { names.append("--data") }
        if !command.file.isEmpty {
            names.append(command.form.isEmpty ? "--file" : "--form/--file")
        } else if !command.form.isEmpty {
            names.append("--form")
        }
        return names
    }

    /// The body, or nil for none.
    /// - Throws: `ValidationError` for two sources, an unreadable file, or a bad `--file`.
    static func resolve(_ command: ASGICommand) throws -> BodySource? {
        let given = options(command)
        if given.count > 1 {
            throw ValidationError("\(given.joined(separator: " and ")) cannot be mixed: a request has one body.")
        }
        let readsStdin = command.json == "@-" || command.data == "@-"
        if readsStdin, command.ignoreStdin {
            throw ValidationError("@- reads standard input, which --ignore-stdin turns off.")
        }
        if !readsStdin, !command.ignoreStdin, let piped = StandardInput.pipedBody() {
            guard given.isEmpty else {
                throw ValidationError(
                    "A body from standard input (\(piped.count) bytes) and \(given[0]) cannot be mixed; "
                        + "pass --ignore-stdin to send only \(given[0])."
                )
            }
            return BodySource(bytes: piped, contentType: nil)
        }
        if let json = command.json {
            return BodySource(bytes: try contents(json), contentType: "application/json")
        }
        if let data = command.data {
            return BodySource(bytes: try contents(data), contentType: nil)
        }
        if !command.file.isEmpty {
            return try multipart(fields: command.form, files: command.file)
        }
        if !command.form.isEmpty {
            return BodySource(
                bytes: Pair.formEncoded(command.form.map(Pair.split)),
                contentType: "application/x-www-form-urlencoded"
            )
        }
        return nil
    }

    /// The text itself, or with `@` the contents of a file (`@-`: standard input).
    static func contents(_ argument: String) throws -> [UInt8] {
        guard argument.hasPrefix("@") else { return Array(argument.utf8) }
        let path = String(argument.dropFirst())
        return path == "-" ? StandardInput.readAll() : try read(path)
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read \(path).")
        }
        return Array(data)
    }

    /// `--form` fields then `--file` parts, as `multipart/form-data`.
    static func multipart(fields: [String], files: [String]) throws -> BodySource {
        var parts = fields.map(Pair.split).map { MultipartPart.field(name: $0.0, value: $0.1) }
        for entry in files {
            let (name, value) = Pair.split(entry)
            guard value.hasPrefix("@"), value.count > 1 else {
                throw ValidationError("--file takes name=@path or name=@path;type=mime, got \"\(entry)\".")
            }
            var path = String(value.dropFirst())
            var contentType: String?
            if let range = path.range(of: ";type=", options: .backwards) {
                contentType = String(path[range.upperBound...])
                path = String(path[..<range.lowerBound])
            }
            let filename = URL(fileURLWithPath: path).lastPathComponent
            parts.append(
                .file(
                    name: name,
                    filename: filename,
                    contentType: contentType ?? MediaTypes.guess(filename),
                    data: try read(path)
                )
            )
        }
        let (bytes, contentType) = MultipartEncoder.encode(parts)
        return BodySource(bytes: bytes, contentType: contentType)
    }
}
