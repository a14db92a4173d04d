"""Run one command and append the CPU seconds (user + system) it and every process it waited for used.

Why CPU and not wall time: on a shared machine the wall time of a run depends on what else runs;
the CPU a run costs does not (much). `resource.getrusage(RUSAGE_CHILDREN)` counts the command and
every descendant that was reaped (Dask workers, their kernels, a shell loop's steps), as GNU time's
user and sys figures do.
Usage: python benchmarks/cpu.py OUTPUT_FILE -- COMMAND ...  (appends "<cpu> <user> <sys>" to OUTPUT_FILE)
"""

import resource
import subprocess
import sys

out, command = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
status = subprocess.call(command)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "a", encoding="utf-8") as record:
    record.write(f"{usage.ru_utime + usage.ru_stime:.2f} {usage.ru_utime:.2f} {usage.ru_stime:.2f}\n")
sys.exit(status)
