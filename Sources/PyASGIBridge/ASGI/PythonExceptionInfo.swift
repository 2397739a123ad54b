/// A Python exception, carried out of the interpreter as text.
package struct PythonExceptionInfo: Sendable, Equatable {
    /// The qualified type name, `module.Class` (builtins unqualified).
    package var type: String
    package var message: String
    package var traceback: String
    /// The app's own frames (outside site-packages and the standard library), then a line counting
    /// the framework frames left out: `  + 38 frames in starlette, fastapi, anyio`.
    package var appFrames: String

    package init(type: String, message: String, traceback: String, appFrames: String = "") {
        self.type = type
        self.message = message
        self.traceback = traceback
        self.appFrames = appFrames
    }
}
