import Foundation

/// Paths on the command line mean what they mean in the caller's shell: relative to the working
/// directory the command was started in (`scripts/asgi` and `swift run asgi` keep it).
enum CallerPath {
    /// The path made absolute against the working directory, `.` and `..` resolved.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL.path
    }
}
