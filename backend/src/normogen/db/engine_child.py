"""The embedded engine's process: SecantusDB that stops itself when its parent process dies.

`normogen serve` stops the engine after the API has drained. If the parent dies without doing
so (SIGKILL, a crash, a closed terminal that killed only the API), the engine would hold the
data directory's lock forever and the next start would fail. So a watchdog thread here waits
for the parent to exit (a pidfd on Linux, else polling the parent pid) and then sends this
process SIGTERM, which SecantusDB's own handler turns into a clean checkpoint and exit.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time

PARENT_FLAG = "--normogen-parent-pid"
_POLL_SECONDS = 0.5


def _stop_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def _wait_for_exit(parent: int) -> None:
    try:
        fd = os.pidfd_open(parent)
    except (AttributeError, OSError):
        # No pidfd (older kernel, other platform): a reparented child has a new parent pid.
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
    else:
        try:
            select.select([fd], [], [])  # readable once the process has exited
        finally:
            os.close(fd)
    _stop_self()


def watch_parent(parent: int) -> None:
    """Stop this process (SIGTERM) when `parent` exits; at once if it already has."""
    if os.getppid() != parent:
        _stop_self()
        return
    watcher = threading.Thread(target=_wait_for_exit, args=(parent,), name="parent-watch")
    watcher.daemon = True
    watcher.start()


def main(argv: list[str]) -> int:
    args = list(argv)
    if PARENT_FLAG in args:
        at = args.index(PARENT_FLAG)
        parent = int(args[at + 1])
        del args[at : at + 2]
        watch_parent(parent)
    from secantus.cli import main as secantus_main

    result: int = secantus_main(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
