/* The python command, linked against the shared libpython the Swift package embeds (Debian's
 * /usr/bin/python3.11 has libpython linked in statically): scripts/bench --account runs the raw
 * floor with it, to tell the cost of the shared library from the cost of the embedding. */
#include <Python.h>

int main(int argc, char **argv) {
    return Py_BytesMain(argc, argv);
}
