"""Settings from the environment (12-factor): the README's names, validation and a masked dump."""

from __future__ import annotations

import ipaddress
import os
import secrets
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The example value of backend/config/.env.example: a deployment that still carries it has
# not been configured.
PLACEHOLDER_SECRETS = frozenset(
    {
        "your-super-secret-jwt-key-here",
        "dev-secret-do-not-use-in-production",
        "change-me",
        "changeme",
    }
)
MIN_SECRET_BYTES = 32  # HS256 key of at least the hash size (RFC 7518, section 3.2)
SECRET_FIELDS = ("JWT_SECRET", "MONGODB_URI")
LogLevel = Literal["trace", "debug", "info", "warning", "warn", "error", "critical"]
LOG_LEVEL_NAMES = ("trace", "debug", "info", "warn", "warning", "error", "critical", "off")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The settings file the CLI reads when present (relative to the working directory), unless
# NORMOGEN_ENV_FILE names another. The environment always wins over it.
DEFAULT_ENV_FILE = Path("config/.env")
# False while a command that signs nothing (migrate, backup, restore) loads its settings.
_SECRET_REQUIRED: ContextVar[bool] = ContextVar("secret_required", default=True)
# Names that set the same thing: a source that names one of them sets the whole group.
_SAME_SETTING = {
    "LOG_LEVEL": ("LOG_LEVEL", "RUST_LOG"),
    **{name: (name, f"{name}_FILE") for name in SECRET_FIELDS},
}


class ConfigError(Exception):
    """Every configuration problem found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _read_secret_files(data: dict[str, Any]) -> dict[str, Any]:
    """Fill `NAME` from the file named by `NAME_FILE` (Kubernetes and Docker secrets)."""
    for name in SECRET_FIELDS:
        path = data.get(f"{name}_FILE") or os.environ.get(f"{name}_FILE")
        if not path:
            continue
        if data.get(name) or os.environ.get(name):
            raise ValueError(f"set either {name} or {name}_FILE, not both")
        try:
            data[name] = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"{name}_FILE: cannot read {path}: {exc.strerror}") from None
    return data


class Settings(BaseSettings):
    """Every setting the server reads; names and defaults follow the deployment seed."""

    model_config = SettingsConfigDict(
        case_sensitive=True, extra="ignore", validate_default=True, frozen=True
    )

    NORMOGEN_ENV: Literal["production", "development"] = "production"

    SERVER_HOST: str = "0.0.0.0"  # noqa: S104  # a container listens on all interfaces
    SERVER_PORT: int = Field(8000, ge=1, le=65535)
    ALLOWED_ORIGINS: Annotated[list[str], NoDecode] = [
        "http://localhost:3000",
        "http://localhost:6001",
    ]

    # Unset: development starts the embedded engine; production refuses to start.
    MONGODB_URI: SecretStr | None = None
    MONGODB_DATABASE: str = Field("normogen", min_length=1, max_length=63, pattern=r"^[\w-]+$")
    MONGODB_MAX_POOL_SIZE: int = Field(100, ge=1, le=1000)
    MONGODB_MIN_POOL_SIZE: int = Field(0, ge=0, le=1000)
    # Short timeouts so requests fail fast (503) while the database is unreachable.
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: int = Field(2000, ge=100, le=60_000)
    MONGODB_CONNECT_TIMEOUT_MS: int = Field(2000, ge=100, le=60_000)
    MONGODB_SOCKET_TIMEOUT_MS: int = Field(10_000, ge=100, le=300_000)
    MONGODB_HEARTBEAT_MS: int = Field(2000, ge=500, le=60_000)
    # Pooled connections are retired after this much idleness: below the 300 s after which the
    # embedded engine (and many proxies, NATs and firewalls) silently drop an idle connection.
    MONGODB_MAX_IDLE_TIME_MS: int = Field(240_000, ge=1000, le=3_600_000)

    JWT_SECRET: SecretStr | None = None
    JWT_ACCESS_TOKEN_EXPIRY_MINUTES: int = Field(15, ge=1, le=24 * 60)
    JWT_REFRESH_TOKEN_EXPIRY_DAYS: int = Field(30, ge=1, le=365)

    ENCRYPTION_ALGORITHM: Literal["aes-256-gcm"] = "aes-256-gcm"

    RATE_LIMIT_REQUESTS: int = Field(100, ge=1)
    RATE_LIMIT_DURATION_SECONDS: int = Field(60, ge=1, le=86_400)

    # Accounts and authentication (README, "Accounts and authentication").
    # PBKDF2-SHA256 iterations the server accepts from clients: OWASP Password Storage Cheat
    # Sheet recommends 600,000; lower values are accepted only in development (fast tests).
    KDF_MIN_ITERATIONS: int = Field(600_000, ge=1, le=10_000_000)
    # Argon2id for stored auth-key hashes. OWASP Password Storage Cheat Sheet: m=19 MiB, t=2,
    # p=1 (or an equivalent trade-off such as m=46 MiB, t=1). Hashes run in a thread pool,
    # at most ARGON2_MAX_CONCURRENCY at once (0: one less than the CPUs available, at least 1),
    # bounding memory to about ARGON2_MEMORY_KIB x ARGON2_MAX_CONCURRENCY.
    ARGON2_MEMORY_KIB: int = Field(19_456, ge=8, le=1_048_576)
    ARGON2_TIME_COST: int = Field(2, ge=1, le=20)
    ARGON2_PARALLELISM: int = Field(1, ge=1, le=16)
    ARGON2_MAX_CONCURRENCY: int = Field(0, ge=0, le=256)
    # Strict per-IP limits on prelogin, login, register and recovery (each counted separately).
    AUTH_RATE_LIMIT_REQUESTS: int = Field(10, ge=1)
    AUTH_RATE_LIMIT_DURATION_SECONDS: int = Field(60, ge=1, le=86_400)
    # A rotated refresh token replayed within this window (concurrent refreshes from one
    # device) still works; after it, the replay revokes the whole session.
    JWT_REFRESH_REUSE_GRACE_SECONDS: float = Field(30.0, ge=0, le=300)

    # Health records. The payload bound counts decoded ciphertext bytes (docs/api.md, Shapes).
    MAX_RECORD_BYTES: int = Field(256 * 1024, ge=1024, le=16 * 1024 * 1024)
    # Deleted records and profiles stay as tombstones this long so offline devices learn of
    # the deletion; a sync token older than this is refused (410) and the device resyncs.
    RECORD_TOMBSTONE_DAYS: int = Field(90, ge=1, le=3650)
    # Security events (coarse network and browser family only) expire after this many days.
    SECURITY_EVENT_RETENTION_DAYS: int = Field(90, ge=1, le=3650)
    # Record writes (each a transaction) one process runs at once; the rest queue in memory.
    RECORD_WRITE_CONCURRENCY: int = Field(8, ge=1, le=1000)

    # Families and share links. An invitation waits this long (also for an email
    # that registers later). A link expires at most LINK_MAX_DAYS ahead; its ciphertext is at
    # most LINK_MAX_BYTES (decoded). Opening links is limited per IP; password attempts are
    # limited per IP and per link (OWASP Authentication Cheat Sheet: throttle online guessing).
    FAMILY_INVITATION_DAYS: int = Field(14, ge=1, le=90)
    LINK_MAX_DAYS: int = Field(30, ge=1, le=365)
    # An emergency card's break-glass link (kind "emergency") lives longer: at most this many
    # days ahead (docs/crypto.md section 8); every opening is a security event for its owner.
    EMERGENCY_LINK_MAX_DAYS: int = Field(365, ge=1, le=365)
    LINK_MAX_BYTES: int = Field(512 * 1024, ge=1024, le=16 * 1024 * 1024)
    LINK_RATE_LIMIT_REQUESTS: int = Field(30, ge=1)
    LINK_RATE_LIMIT_DURATION_SECONDS: int = Field(60, ge=1, le=86_400)
    LINK_PASSWORD_ATTEMPTS: int = Field(5, ge=1)
    LINK_PASSWORD_WINDOW_SECONDS: int = Field(900, ge=1, le=86_400)

    LOG_LEVEL: LogLevel = "info"
    # The seed's name: a directive list (`warn,normogen=debug`); see `log_levels`.
    RUST_LOG: str | None = None
    LOG_FORMAT: Literal["json", "console"] = "json"

    # Production needs: proxies whose X-Forwarded-For is believed, body limit, drain delay.
    TRUSTED_PROXIES: Annotated[list[Network], NoDecode] = []
    MAX_REQUEST_BYTES: int = Field(1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    SHUTDOWN_DRAIN_SECONDS: float = Field(5.0, ge=0, le=120)
    SHUTDOWN_GRACE_SECONDS: float = Field(20.0, ge=0, le=300)
    ENABLE_DOCS: bool = True
    # The address people open for the web app (web/); share links (/s/<id>#<key>) point here.
    PUBLIC_WEB_URL: str = "http://127.0.0.1:6001"

    @model_validator(mode="before")
    @classmethod
    def _secret_files(cls, data: Any) -> Any:
        return _read_secret_files(dict(data)) if isinstance(data, dict) else data

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value.strip().lower() not in LOG_LEVEL_NAMES[:-1]:
                raise ValueError(f"{value!r} is not a level: {', '.join(LOG_LEVEL_NAMES[:-1])}")
            return value.strip().lower()
        return value

    @field_validator("RUST_LOG")
    @classmethod
    def _rust_log(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_log_directives(value)  # raises ValueError naming the bad directive
            return value.strip()
        return None

    @model_validator(mode="after")
    def _one_log_setting(self) -> Settings:
        if self.RUST_LOG is not None and "LOG_LEVEL" in self.model_fields_set:
            raise ValueError("set either LOG_LEVEL or RUST_LOG, not both")
        return self

    @field_validator("ALLOWED_ORIGINS", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        origins = _split_csv(value)
        if isinstance(origins, list):
            return [check_origin(origin) for origin in origins]
        return origins

    @field_validator("PUBLIC_WEB_URL")
    @classmethod
    def _public_web_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or value.endswith("/"):
            raise ValueError("must start with http:// or https:// and not end with '/'")
        if any(c in value for c in "?#\\ "):
            raise ValueError("must be an origin with an optional path, no query or fragment")
        return value

    @field_validator("TRUSTED_PROXIES", mode="before")
    @classmethod
    def _proxies(cls, value: Any) -> Any:
        networks = _split_csv(value)
        if isinstance(networks, list):
            return [_network(item) for item in networks]
        return networks

    @field_validator("MONGODB_URI")
    @classmethod
    def _mongodb_uri(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            if info.data.get("NORMOGEN_ENV") == "development":
                return None
            raise ValueError("is required outside development")
        if not value.get_secret_value().startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("must start with mongodb:// or mongodb+srv://")
        return value

    @field_validator("JWT_SECRET")
    @classmethod
    def _jwt_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        development = info.data.get("NORMOGEN_ENV") == "development"
        if value is None or not value.get_secret_value():
            if development or not _SECRET_REQUIRED.get():
                return None
            raise ValueError("is required outside development (try `normogen gen-secret`)")
        raw = value.get_secret_value()
        if raw in PLACEHOLDER_SECRETS:
            raise ValueError("is the example placeholder; generate one with `normogen gen-secret`")
        if len(raw.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"must be at least {MIN_SECRET_BYTES} bytes")
        return value

    @field_validator("MONGODB_MIN_POOL_SIZE")
    @classmethod
    def _pool(cls, value: int, info: ValidationInfo) -> int:
        maximum = info.data.get("MONGODB_MAX_POOL_SIZE")
        if maximum is not None and value > maximum:
            raise ValueError("must not exceed MONGODB_MAX_POOL_SIZE")
        return value

    @field_validator("KDF_MIN_ITERATIONS")
    @classmethod
    def _kdf_min(cls, value: int, info: ValidationInfo) -> int:
        if value < 600_000 and info.data.get("NORMOGEN_ENV") != "development":
            raise ValueError("must be at least 600000 outside development (OWASP)")
        return value

    @field_validator("ARGON2_TIME_COST")
    @classmethod
    def _argon2_cost(cls, value: int, info: ValidationInfo) -> int:
        memory = info.data.get("ARGON2_MEMORY_KIB")
        if memory is None or info.data.get("NORMOGEN_ENV") == "development":
            return value
        # OWASP's equivalent settings (7 MiB x 5 ... 46 MiB x 1) all cost at least 7168 x 5.
        if memory < 7168 or memory * value < 7168 * 5:
            raise ValueError("with ARGON2_MEMORY_KIB is below OWASP's minimum (19456 KiB x 2)")
        return value

    @property
    def development(self) -> bool:
        return self.NORMOGEN_ENV == "development"

    def log_levels(self) -> tuple[str, dict[str, str]]:
        """The global level and per-logger levels: RUST_LOG when set, else LOG_LEVEL."""
        if self.RUST_LOG is None:
            return self.LOG_LEVEL, {}
        return parse_log_directives(self.RUST_LOG)

    def masked(self) -> dict[str, Any]:
        """The effective configuration, safe to log: secrets shown only as set or unset."""
        out: dict[str, Any] = {}
        for name, value in self.model_dump().items():
            if name in SECRET_FIELDS:
                out[name] = "**********" if value is not None else None
            elif name == "TRUSTED_PROXIES":
                out[name] = [str(net) for net in value]
            else:
                out[name] = value
        return out


# RUST_LOG targets are Rust module paths; the seed's `tower_http` (the HTTP layer) is our
# access log, everything else names a Python logger (`normogen`, `uvicorn`, `pymongo`).
_TARGET_ALIASES = {"tower_http": "normogen.access"}


def parse_log_directives(value: str) -> tuple[str, dict[str, str]]:
    """RUST_LOG's meaning: a bare level is the global one, `target=level` sets that logger.

    Without a bare level the global level is `info`; the last bare level wins, as in
    env_logger's directive syntax.
    """
    global_level = "info"
    targets: dict[str, str] = {}
    for raw in value.split(","):
        directive = raw.strip()
        if not directive:
            continue
        target, has_target, level = directive.rpartition("=")
        level = level.strip().lower()
        if level not in LOG_LEVEL_NAMES:
            raise ValueError(
                f"{directive!r}: {level!r} is not a level ({', '.join(LOG_LEVEL_NAMES)})"
            )
        if not has_target:
            global_level = level
            continue
        name = target.strip().replace("::", ".")
        if not name or any(c.isspace() for c in name):
            raise ValueError(f"{directive!r}: the target before '=' must be a logger name")
        targets[_TARGET_ALIASES.get(name, name)] = level
    return global_level, targets


def check_origin(origin: str) -> str:
    """An origin is scheme://host[:port], exactly what a browser sends (RFC 6454)."""
    if origin == "*":
        # Credentials are allowed, so a wildcard would hand every site the user's session.
        raise ValueError("list origins explicitly; '*' is not allowed with credentials")
    parts = urlsplit(origin)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"origin {origin!r} has an invalid port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"origin {origin!r} must be http(s)://host[:port]")
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc or origin.endswith("?"):
        raise ValueError(
            f"origin {origin!r} must be scheme://host[:port] only (no path, no trailing '/')"
        )
    if port == 0:
        raise ValueError(f"origin {origin!r} has an invalid port")
    return origin


def _network(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an IP network (CIDR such as 172.18.0.0/16, or an address)"
        ) from None


def _format_error(error: Any) -> str:
    # Only the field's name: pydantic's locations of union members are internals.
    location = str(error["loc"][0]) if error["loc"] else "configuration"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{location}: {message}"


def env_file_path() -> Path | None:
    """The settings file the CLI reads: NORMOGEN_ENV_FILE, else config/.env when present."""
    named = os.environ.get("NORMOGEN_ENV_FILE")
    if named:
        return Path(named)
    return DEFAULT_ENV_FILE if DEFAULT_ENV_FILE.is_file() else None


def _file_values(path: Path, given: set[str]) -> dict[str, Any]:
    """The file's settings that neither the environment nor the caller set, by any name."""
    if not path.is_file():
        raise ConfigError([f"NORMOGEN_ENV_FILE: {path} is not a readable file"])
    values = {k: v for k, v in dotenv_values(path).items() if v is not None}
    out: dict[str, Any] = {}
    for name, value in values.items():
        group = next((g for g in _SAME_SETTING.values() if name in g), (name,))
        if not given.intersection(group):
            out[name] = value
    return out


def load_settings(**overrides: Any) -> Settings:
    """Settings from the overrides, then the environment, then defaults (no settings file)."""
    return _load(overrides, needs_secret=True)


def load_cli_settings(env_file: Path | None, *, needs_secret: bool = True) -> Settings:
    """What the CLI runs on: the environment, then `env_file` (config/.env), then defaults.

    One precedence rule: a setting given in a stronger source replaces it in every weaker
    one, under all of its names (LOG_LEVEL and RUST_LOG, NAME and NAME_FILE). `needs_secret`
    False (migrate, backup, restore) leaves JWT_SECRET optional: those commands sign nothing.
    """
    values = {} if env_file is None else _file_values(env_file, set(os.environ))
    return _load(values, needs_secret=needs_secret)


def _load(values: dict[str, Any], *, needs_secret: bool) -> Settings:
    """Validate, or raise ConfigError listing every problem, one line each."""
    token = _SECRET_REQUIRED.set(needs_secret)
    try:
        return Settings(**values)
    except ValidationError as exc:
        # Never echo the rejected input: it may be a secret. One line per setting.
        problems = dict.fromkeys(_format_error(e) for e in exc.errors(include_input=False))
        raise ConfigError(list(problems)) from None
    finally:
        _SECRET_REQUIRED.reset(token)


def ephemeral_secret() -> SecretStr:
    """A random signing key for development runs; tokens die with the process."""
    return SecretStr(secrets.token_urlsafe(48))
