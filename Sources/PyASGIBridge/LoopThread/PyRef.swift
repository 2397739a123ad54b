internal import CPython

/// An owned (strong) reference. Not copyable and not `Sendable`: it lives inside one GIL scope and
/// releases its reference when it goes out of scope.
struct PyRef: ~Copyable {
    let pointer: PyPointer

    /// Takes ownership of a new reference; `nil` when the C call failed (a Python error is set).
    init?(owned pointer: PyPointer?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    init(borrowed pointer: PyPointer) {
        Py_IncRef(pointer)
        self.pointer = pointer
    }

    /// Gives the reference away (to a function that steals it).
    consuming func take() -> PyPointer {
        let pointer = self.pointer
        discard self
        return pointer
    }

    deinit { Py_DecRef(pointer) }
}
