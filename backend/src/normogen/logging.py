"""JSON (or console) logs on stdout: one object per line, extra fields merged, secrets kept out."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

TRACE = 5
logging.addLevelName(TRACE, "TRACE")
LEVELS = {
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "off": logging.CRITICAL + 10,
}
# Attributes every LogRecord has; anything else was passed with `extra=` and is logged as a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "color_message",  # uvicorn's ANSI-coloured duplicate of msg
}
# Field names that must never reach a log line, whatever a caller passes in `extra=`.
_REDACTED = frozenset(
    {"authorization", "password", "auth_key", "token", "access_token", "refresh_token", "email"}
)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: ("[redacted]" if key.lower() in _REDACTED else value)
        for key, value in vars(record).items()
        if key not in _STANDARD and not key.startswith("_")
    }


# Built once: `json.dumps` with options builds a new encoder for every line.
_ENCODER = json.JSONEncoder(default=str, separators=(",", ":"))


class JsonFormatter(logging.Formatter):
    """One compact JSON object per record, UTC timestamps with milliseconds."""

    def format(self, record: logging.LogRecord) -> str:
        created = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line: dict[str, Any] = {
            "ts": f"{created}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(_fields(record))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return _ENCODER.encode(line)


class ConsoleFormatter(logging.Formatter):
    """Human-friendly single lines for development terminals."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        extras = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        text = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()} {extras}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text.rstrip()


def configure_logging(level: str, fmt: str, targets: dict[str, str] | None = None) -> None:
    """Route every logger (ours, uvicorn's, pymongo's) through one stdout handler.

    `level` is the global level; `targets` sets named loggers (RUST_LOG's `target=level`).
    """
    # No log line of ours uses source file, thread or process fields: skip gathering them on
    # every record (findCaller walks the stack; it showed up in the request profile).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if fmt == "json" else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(LEVELS[level])
    # Uvicorn's own access log would duplicate ours (and logs raw paths); ours replaces it.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # The driver is chatty at debug level and may echo connection strings.
    logging.getLogger("pymongo").setLevel(max(LEVELS[level], logging.INFO))
    for name, target_level in (targets or {}).items():
        logging.getLogger(name).setLevel(LEVELS[target_level])
