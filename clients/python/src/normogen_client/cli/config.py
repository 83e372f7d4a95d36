"""Where the command line keeps its settings (plain, non-secret) and its session file.

The directory is `$NORMOGEN_CONFIG_DIR`, else `$XDG_CONFIG_HOME/normogen`, else
`~/.config/normogen`; it is created with mode 0700 and every file in it with mode 0600.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from normogen_client.crypto import MIN_ITERATIONS

DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_IDLE_TIMEOUT = 15 * 60  # seconds without a command before the session locks


def config_dir() -> Path:
    explicit = os.environ.get("NORMOGEN_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "normogen"


def write_private(path: Path, data: bytes) -> None:
    """Write atomically (temporary file, then rename) with mode 0600: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), 0o600)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@dataclass
class Config:
    """Settings kept between commands: none of them is a secret."""

    server: str = DEFAULT_SERVER
    email: str | None = None
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT
    # PBKDF2 iterations for new passwords, and the lowest count accepted from the server
    # (lower only for development servers; README.md, "Account key schedule").
    kdf_iterations: int = MIN_ITERATIONS
    min_iterations: int = MIN_ITERATIONS
    store: str | None = None  # the session store that holds the current session

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "config.json"

    @classmethod
    def load(cls) -> Config:
        try:
            raw: dict[str, Any] = json.loads(cls.path().read_text())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            raise ConfigError(f"cannot read {cls.path()}: {error}") from None
        known = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in raw.items() if key in known})

    def save(self) -> None:
        write_private(self.path(), json.dumps(asdict(self), indent=2).encode() + b"\n")


class ConfigError(Exception):
    """The configuration file cannot be used."""
