"""Samples one process from OUTSIDE with psutil, the way psutil-based monitors do.

    python3 psutil_poll.py PID INTERVAL_MS [rss,cpu,threads]

Polls psutil.Process(PID) every INTERVAL_MS (absolute deadlines, so it keeps its rate as well as
a polling loop can) until a line arrives on stdin (or stdin closes), then prints one JSON
document on stdout:

    {"psutil": "5.9.4", "interval_ms": 10, "cpu_seconds": 0.12, "wall_seconds": 2.0,
     "missed": 0, "samples": [[t0, t1, rss_bytes, cpu_seconds, [[tid, cpu_seconds], ...]], ...]}

t0/t1 are time.monotonic() before and after the reads: CLOCK_MONOTONIC on Linux, the clock of
Node's process.hrtime(), so the samples line up with the benchmark's own timestamps.
cpu_seconds is user + system of the process (psutil's cpu_times, kernel clock ticks); the
thread list is psutil's threads() (per-thread user + system). "cpu_seconds" at the top is this
poller's own CPU time while it sampled: the cost of sampling this way.
"""

import json
import select
import sys
import time

try:
    import psutil
except ImportError:
    sys.stderr.write(
        "psutil is not installed for " + sys.executable + ": apt-get install python3-psutil (Debian) "
        "or pip install psutil\n"
    )
    sys.exit(3)


def main() -> None:
    pid = int(sys.argv[1])
    interval = float(sys.argv[2]) / 1000.0
    fields = set((sys.argv[3] if len(sys.argv) > 3 else "rss,cpu").split(","))
    want_rss = "rss" in fields
    want_cpu = "cpu" in fields
    want_threads = "threads" in fields
    proc = psutil.Process(pid)
    samples = []
    missed = 0

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    cpu0 = time.process_time()
    start = time.monotonic()
    deadline = start
    while True:
        t0 = time.monotonic()
        try:
            rss = proc.memory_info().rss if want_rss else None
            cpu = None
            if want_cpu:
                times = proc.cpu_times()
                cpu = times.user + times.system
            threads = [[t.id, t.user_time + t.system_time] for t in proc.threads()] if want_threads else None
        except psutil.NoSuchProcess:
            break
        t1 = time.monotonic()
        samples.append([t0, t1, rss, cpu, threads])
        deadline += interval
        now = time.monotonic()
        if deadline < now:
            # Late by more than one interval: skip the deadlines already past (count them).
            skipped = int((now - deadline) / interval) + 1
            missed += skipped
            deadline += skipped * interval
        # The wait doubles as the stop signal: a line (or EOF) on stdin ends the loop.
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, deadline - time.monotonic()))
        if ready:
            break
    wall = time.monotonic() - start
    cpu_used = time.process_time() - cpu0
    json.dump(
        {
            "psutil": psutil.__version__,
            "interval_ms": interval * 1000.0,
            "cpu_seconds": cpu_used,
            "wall_seconds": wall,
            "missed": missed,
            "samples": samples,
        },
        sys.stdout,
        separators=(",", ":"),
    )
    sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
