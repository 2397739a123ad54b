/// A Python exception, as text: its type, message and formatted traceback.
public struct PythonException: Sendable, Equatable, CustomStringConvertible {
    /// The qualified type name, such as `ValueError` or `starlette.exceptions.HTTPException`.
    public let type: String
    /// `str()` of the exception.
    public let message: String
    /// The traceback as Python prints it.
    public let traceback: String
    /// The app's own frames, then how many framework frames were left out.
    var appFrames: String = ""

    /// `Type: message`, as Python prints the last line of a traceback.
    public var description: String { "\(type): \(message)" }
}
