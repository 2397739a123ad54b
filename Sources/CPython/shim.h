#ifndef SWIFT_ASGI_CPYTHON_SHIM_H
#define SWIFT_ASGI_CPYTHON_SHIM_H

// <sys/select.h> must come before Python.h: pyconfig.h defines _GNU_SOURCE, which otherwise gives
// fd_set a definition that clashes with Glibc's module on a clean build.
#include <sys/select.h>
#define PY_SSIZE_T_CLEAN
#include <Python.h>

// Singletons and exception types are C globals (or macros over them), which Swift 6 rejects as
// shared mutable state; these accessors return the same objects.
static inline PyObject *shim_None(void) { return Py_None; }
static inline PyObject *shim_Bool(int value) { return value ? Py_True : Py_False; }

static inline PyObject *shim_Exc_RuntimeError(void) { return PyExc_RuntimeError; }
static inline PyObject *shim_Exc_TypeError(void) { return PyExc_TypeError; }

// A spin-wait hint (x86 PAUSE, Arm YIELD): the spinning core backs off, lends its resources to a
// sibling hardware thread, and uses less power, where a sched_yield() would enter the kernel.
static inline void shim_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

// Type checks are function-like macros.
static inline int shim_Unicode_Check(PyObject *o) { return PyUnicode_Check(o); }
static inline int shim_Bytes_Check(PyObject *o) { return PyBytes_Check(o); }
static inline int shim_Long_Check(PyObject *o) { return PyLong_Check(o); }
static inline int shim_Bool_Check(PyObject *o) { return PyBool_Check(o); }
static inline int shim_Dict_Check(PyObject *o) { return PyDict_Check(o); }
static inline int shim_Tuple_Check(PyObject *o) { return PyTuple_Check(o); }

// Unchecked accessors that are macros.
static inline PyObject *shim_Tuple_GetItem(PyObject *t, Py_ssize_t i) { return PyTuple_GET_ITEM(t, i); }
static inline void shim_Tuple_SetItem(PyObject *t, Py_ssize_t i, PyObject *v) { PyTuple_SET_ITEM(t, i, v); }
static inline void shim_List_SetItem(PyObject *l, Py_ssize_t i, PyObject *v) { PyList_SET_ITEM(l, i, v); }
static inline Py_ssize_t shim_Tuple_Size(PyObject *t) { return PyTuple_GET_SIZE(t); }
static inline char *shim_Bytes_AsString(PyObject *b) { return PyBytes_AS_STRING(b); }
static inline Py_ssize_t shim_Bytes_Size(PyObject *b) { return PyBytes_GET_SIZE(b); }
static inline const char *shim_TypeName(PyObject *o) { return Py_TYPE(o)->tp_name; }

// Calling conventions for PyMethodDef, as plain ints.
static inline int shim_METH_FASTCALL(void) { return METH_FASTCALL; }
static inline int shim_METH_O(void) { return METH_O; }
static inline int shim_METH_NOARGS(void) { return METH_NOARGS; }

// Raises `type` with a message (PyErr_Format is variadic).
static inline void shim_Err_SetString(PyObject *type, const char *message) { PyErr_SetString(type, message); }

// Takes the pending exception (clearing it) as a new reference with its traceback attached; NULL
// when none is set. 3.12 deprecates PyErr_Fetch/PyErr_NormalizeException, whose replacement
// already hands over a normalised exception that carries its traceback.
static inline PyObject *shim_Err_TakeException(void) {
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type = NULL, *value = NULL, *traceback = NULL;
    PyErr_Fetch(&type, &value, &traceback);
    if (type == NULL) return NULL;
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value != NULL && traceback != NULL) PyException_SetTraceback(value, traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
    return value;
#endif
}

#endif
