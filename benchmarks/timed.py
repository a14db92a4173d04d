"""Run one command and print `<wall seconds> <peak MiB>` of it on stderr's last line.

Why not /usr/bin/time: GNU time is a Debian package a fresh machine may lack; Python's own
`resource.getrusage(RUSAGE_CHILDREN)` gives the largest resident set of any process the command
started and waited for (the command, its Dask workers, its kernels).
Usage: python benchmarks/timed.py OUTPUT_FILE -- COMMAND ...  (appends "wall peak" to OUTPUT_FILE)
"""

import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
start = time.monotonic()
status = subprocess.call(command)
wall = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
with open(out, "a", encoding="utf-8") as record:
    record.write(f"{wall:.2f} {peak:.0f}\n")
sys.exit(status)
