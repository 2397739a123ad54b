/// A Python exception, carried out of the interpreter as text.
package struct PythonExceptionInfo: Sendable, Equatable {
    /// The qualified type name, `module.Class` (builtins unqualified).
    package var type: String
    package var message: String
    package var traceback: String

    package init(type: String, message: String, traceback: String) {
        self.type = type
        self.message = message
        self.traceback = traceback
    }
}
