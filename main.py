"""Rabta's entry point: no command opens the window; commands run headless (cli/).

Kept light: Qt and the reporting code are imported only by the commands that need them,
so `--version`, `--help` and headless commands start fast.
"""

import sys
import time

STARTED_AT = time.perf_counter()

from cli.run import run  # noqa: E402  (the clock starts before anything is imported)

if __name__ == "__main__":
    sys.exit(run(started_at=STARTED_AT))
