"""Uvicorn with a drain phase: SIGTERM turns /ready 503 first, then the server stops accepting."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

import uvicorn

from normogen.runtime import Runtime

log = logging.getLogger("normogen.shutdown")


class DrainingServer(uvicorn.Server):
    """SIGTERM: mark the runtime draining, wait the drain delay, then shut down gracefully.

    During the delay the process keeps serving, so load balancers and Kubernetes see /ready turn
    503 and stop routing here before the listening socket closes. Uvicorn then finishes in-flight
    requests (bounded by timeout_graceful_shutdown), runs the lifespan shutdown (closing the
    database client) and returns, and the process exits 0. A second signal skips what is left
    of the drain delay; SIGINT (Ctrl-C at a terminal) skips it from the start.
    """

    def __init__(self, config: uvicorn.Config, runtime: Runtime) -> None:
        super().__init__(config)
        self.runtime = runtime
        self.drain_deadline: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Unlike the base class, never re-raise the signal afterwards: a drained exit is exit 0.
        if self.should_exit:
            self.force_exit = sig == signal.SIGINT
            return
        if self.drain_deadline is not None or sig == signal.SIGINT:
            self.runtime.draining = True
            self.should_exit = True
            return
        self.runtime.draining = True
        delay = self.runtime.settings.SHUTDOWN_DRAIN_SECONDS
        self.drain_deadline = time.monotonic() + delay
        log.info("draining before shutdown", extra={"signal": sig, "drain_seconds": delay})

    async def on_tick(self, counter: int) -> bool:
        # The main loop ticks every 0.1 s; the drain delay ends on the first tick past it.
        if self.drain_deadline is not None and time.monotonic() >= self.drain_deadline:
            self.should_exit = True
        return await super().on_tick(counter)
