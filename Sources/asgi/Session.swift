import ArgumentParser
import Foundation
import HTTPTypes
import TestClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--session NAME|PATH`, as httpie keeps sessions: the headers given with `-H` and the cookies
/// (sent with `--cookie` or set by the app) are kept in a JSON file and sent with every later call
/// that names it. A name is a file under the user's config directory, one folder per app; an
/// argument with a slash is a path. The file holds credentials, so it is written with mode 0600.
struct Session {
    struct Header: Codable, Equatable {
        var name: String
        var value: String
    }

    struct Contents: Codable, Equatable {
        var about = "An asgi --session file: the headers and cookies sent with each call that names it."
        var headers: [Header] = []
        var cookies: [StoredCookie] = []
    }

    /// Where the session is kept, absolute.
    let path: String
    let readOnly: Bool
    private(set) var contents: Contents

    /// Reads the session (an empty one when the file does not exist yet).
    /// - Throws: `ValidationError` for a bad name or a file that is not a session.
    init(_ argument: String, app: String, readOnly: Bool, environment: [String: String]) throws {
        path = try Self.location(argument, app: app, environment: environment)
        self.readOnly = readOnly
        guard let data = FileManager.default.contents(atPath: path) else {
            contents = Contents()
            return
        }
        do {
            contents = try Self.decoder.decode(Contents.self, from: data)
        } catch {
            throw ValidationError("The session file \(path) is not a session (\(error)); remove it to start anew.")
        }
    }

    /// A path when the argument has a slash (relative to the working directory); else
    /// `$XDG_CONFIG_HOME/asgi/sessions/APP/NAME.json` (`~/.config` without XDG_CONFIG_HOME), where
    /// APP is the `--app` value with `:` and other characters that do not belong in a file name as `_`.
    static func location(_ argument: String, app: String, environment: [String: String]) throws -> String {
        if argument.contains("/") { return CallerPath.absolute(argument) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !argument.isEmpty, !argument.hasPrefix("."), argument.allSatisfy(allowed.contains) else {
            throw ValidationError(
                "A session name is letters, digits, '-', '_' and '.', got \"\(argument)\"; "
                    + "a path needs a slash, such as ./\(argument).json."
            )
        }
        let config =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        let folder = String(app.map { allowed.contains($0) ? $0 : "_" })
        return "\(config)/asgi/sessions/\(folder)/\(argument).json"
    }

    /// The session's headers under the call's: a name given with `-H` replaces the session's values.
    func fields(under given: HTTPFields) -> HTTPFields {
        var fields = HTTPFields()
        let givenNames = Set(given.map(\.name))
        for header in contents.headers {
            guard let name = HTTPField.Name(header.name), !givenNames.contains(name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        fields.append(contentsOf: given)
        return fields
    }

    /// A jar holding the session's cookies, expired ones left out.
    func jar() -> CookieJar {
        let jar = CookieJar()
        for cookie in contents.cookies where !(cookie.expires.map { $0 <= Date() } ?? false) {
            jar.restore(cookie)
        }
        return jar
    }

    /// Takes in the headers given with `-H` (not `Cookie`, and not `Content-*` or `If-*`, which
    /// belong to one request, as httpie leaves them out) and the cookies of `jar`.
    mutating func record(headers given: HTTPFields, cookies jar: CookieJar) {
        var headers = contents.headers
        let kept = given.filter { field in
            let name = field.name.canonicalName
            return field.name != .cookie && !name.hasPrefix("content-") && !name.hasPrefix("if-")
        }
        let replaced = Set(kept.map { $0.name.canonicalName })
        headers.removeAll { replaced.contains($0.name.lowercased()) }
        headers += kept.map { Header(name: $0.name.rawName, value: $0.value) }
        contents.headers = headers
        contents.cookies = jar.cookies.map(StoredCookie.init)
    }

    /// Keeps what `request` added (its `-H` headers, its cookies and those the app set) and saves.
    mutating func keep(_ request: RequestPlan) throws {
        guard !readOnly else { return }
        record(headers: request.given, cookies: request.cookies)
        try save()
    }

    /// Writes the file (unless read-only): created with mode 0600 in a folder of mode 0700, and
    /// replaced whole, so a reader never sees half of it.
    /// - Throws: `ValidationError` when it cannot be written.
    func save() throws {
        guard !readOnly else { return }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = path + ".\(getpid()).tmp"
        do {
            try FileManager.default.createDirectory(
                atPath: folder,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            let data = try Self.encoder.encode(contents) + Data("\n".utf8)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: data)
            try handle.close()
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            unlink(temporary)
            throw ValidationError("Cannot write the session \(path): \(error).")
        }
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()
}
