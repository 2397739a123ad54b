"""The Python peers in a plain python process of the venv, as a user runs async-asgi-testclient under
pytest (scripts/bench's default). asgi-bench writes one batch per line, "KIND MODULE:APP WORKLOAD"
(kind raw, rawtask, aatc or httpx; thread-KIND runs the batch on a new thread's loop; or live with a
server's URL in place of MODULE:APP), and reads back "WALL CPU": microseconds per request of wall time and of
this process's CPU time (user + system, from getrusage). One event loop serves every batch, so the
peers' clients are made once, as in the embedded run."""
import asyncio
import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_peers  # noqa: E402


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    for line in sys.stdin:
        kind, spec, workload = line.split()
        requests = bench_peers.WORKLOADS[workload][3]
        before = _cpu_seconds()
        if kind.startswith("thread-"):
            wall = bench_peers.run_on_new_thread(kind[len("thread-"):], spec, workload)
        else:
            wall = loop.run_until_complete(bench_peers.run(kind, spec, workload))
        cpu = (_cpu_seconds() - before) * 1e6 / requests
        sys.stdout.write("%r %r\n" % (wall, cpu))
        sys.stdout.flush()


main()
