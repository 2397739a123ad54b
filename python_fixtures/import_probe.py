"""Which slow fixture modules have started and finished importing (read at `lifecycle_apps:logs`),
and gates that hold such an import until a test releases it."""
import threading

started = []
finished = []
_gates = {}


def _gate(name):
    return _gates.setdefault(name, threading.Event())


def hold(name, at_most):
    """Blocks the import of module `name` until `release(name)`, or `at_most` seconds (so that a
    failing test does not leave it hanging)."""
    _gate(name).wait(at_most)


def release(name):
    _gate(name).set()
    return "released"
