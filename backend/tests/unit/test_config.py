"""Settings: the seed's names and defaults, secrets from files, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from normogen.config import (
    ConfigError,
    Settings,
    env_file_path,
    load_cli_settings,
    load_settings,
)

CONFIG = Path(__file__).resolve().parents[2] / "config"
GOOD_SECRET = "k" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [*Settings.model_fields, "JWT_SECRET_FILE", "MONGODB_URI_FILE", "NORMOGEN_ENV_FILE"]
    for name in names:
        monkeypatch.delenv(name, raising=False)


def _env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_defaults_file_matches_the_settings_defaults() -> None:
    documented = _env_file(CONFIG / "defaults.env")
    settings = load_settings(NORMOGEN_ENV="development")
    for name, value in documented.items():
        if name == "NORMOGEN_ENV":
            continue
        actual = settings.masked()[name]
        if isinstance(actual, list):
            actual = ",".join(str(item) for item in actual)
        elif isinstance(actual, bool):
            actual = str(actual).lower()
        assert str(actual) == value or float(actual) == float(value), name
    # Every setting is documented there, apart from the two secrets (no defaults) and
    # RUST_LOG, the other name of the log level (documented as a comment: unset by default).
    assert set(Settings.model_fields) - set(documented) == {"JWT_SECRET", "MONGODB_URI", "RUST_LOG"}
    assert "# RUST_LOG=" in (CONFIG / "defaults.env").read_text()


def test_seed_defaults() -> None:
    settings = load_settings(NORMOGEN_ENV="development")
    assert settings.SERVER_HOST == "0.0.0.0"
    assert settings.SERVER_PORT == 8000
    assert settings.ALLOWED_ORIGINS == ["http://localhost:3000", "http://localhost:6001"]
    assert settings.MONGODB_DATABASE == "normogen"
    assert settings.JWT_ACCESS_TOKEN_EXPIRY_MINUTES == 15
    assert settings.JWT_REFRESH_TOKEN_EXPIRY_DAYS == 30
    assert settings.ENCRYPTION_ALGORITHM == "aes-256-gcm"
    assert settings.RATE_LIMIT_REQUESTS == 100
    assert settings.RATE_LIMIT_DURATION_SECONDS == 60
    assert settings.MAX_REQUEST_BYTES == 1024 * 1024
    assert settings.SHUTDOWN_DRAIN_SECONDS == 5


def test_production_requires_secret_and_database_and_reports_both() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings()
    problems = "\n".join(caught.value.problems)
    assert "JWT_SECRET" in problems
    assert "MONGODB_URI" in problems


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVER_PORT", "99999")
    monkeypatch.setenv("LOG_FORMAT", "xml")
    monkeypatch.setenv("JWT_SECRET", "short")
    monkeypatch.setenv("MONGODB_URI", "postgres://nope")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    fields = {problem.split(":")[0] for problem in caught.value.problems}
    assert fields == {"SERVER_PORT", "LOG_FORMAT", "JWT_SECRET", "MONGODB_URI"}
    # The rejected secret never appears in the report.
    assert "short" not in str(caught.value)


@pytest.mark.parametrize(
    "secret", ["your-super-secret-jwt-key-here", "dev-secret-do-not-use-in-production"]
)
def test_placeholder_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ConfigError, match="placeholder"):
        load_settings(JWT_SECRET=secret, MONGODB_URI="mongodb://db:27017")


def test_example_env_file_holds_no_secrets() -> None:
    example = _env_file(CONFIG / ".env.example")
    assert not {"JWT_SECRET", "MONGODB_URI", "JWT_SECRET_FILE", "MONGODB_URI_FILE"} & set(example)


def test_example_env_file_is_valid_with_secrets_from_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "jwt", GOOD_SECRET + "\n")
    _write(tmp_path / "uri", "mongodb://normogen:pw@mongodb:27017/normogen?replicaSet=rs0\n")
    monkeypatch.setenv("JWT_SECRET_FILE", str(tmp_path / "jwt"))
    monkeypatch.setenv("MONGODB_URI_FILE", str(tmp_path / "uri"))
    settings = load_cli_settings(CONFIG / ".env.example")
    assert settings.log_levels() == ("info", {})
    assert settings.MONGODB_URI is not None
    assert settings.MONGODB_URI.get_secret_value().startswith("mongodb://normogen:pw@")


def test_development_allows_missing_secret_and_database() -> None:
    settings = load_settings(NORMOGEN_ENV="development")
    assert settings.JWT_SECRET is None
    assert settings.MONGODB_URI is None


def test_secret_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "jwt").write_text(GOOD_SECRET + "\n")
    (tmp_path / "uri").write_text("mongodb://db:27017/x\n")
    monkeypatch.setenv("JWT_SECRET_FILE", str(tmp_path / "jwt"))
    monkeypatch.setenv("MONGODB_URI_FILE", str(tmp_path / "uri"))
    settings = load_settings()
    assert settings.JWT_SECRET is not None
    assert settings.JWT_SECRET.get_secret_value() == GOOD_SECRET
    assert settings.MONGODB_URI is not None
    assert settings.MONGODB_URI.get_secret_value() == "mongodb://db:27017/x"


def test_secret_file_and_value_together_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jwt").write_text(GOOD_SECRET)
    monkeypatch.setenv("JWT_SECRET_FILE", str(tmp_path / "jwt"))
    monkeypatch.setenv("JWT_SECRET", GOOD_SECRET)
    with pytest.raises(ConfigError, match="either JWT_SECRET or JWT_SECRET_FILE"):
        load_settings(MONGODB_URI="mongodb://db")


def test_missing_secret_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET_FILE", "/nonexistent/jwt")
    with pytest.raises(ConfigError, match="JWT_SECRET_FILE: cannot read"):
        load_settings(MONGODB_URI="mongodb://db")


@pytest.mark.parametrize(
    ("raw", "level", "targets"),
    [
        ("debug", "debug", {}),
        ("WARN", "warn", {}),
        # The README's example: the bare directive is the global level wherever it stands.
        (
            "normogen=debug,tower_http=info,warn",
            "warn",
            {"normogen": "debug", "normogen.access": "info"},
        ),
        ("normogen::access=trace", "info", {"normogen.access": "trace"}),
        ("info, pymongo=error ,", "info", {"pymongo": "error"}),
    ],
)
def test_rust_log_directives(
    raw: str, level: str, targets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUST_LOG", raw)
    settings = load_settings(NORMOGEN_ENV="development")
    assert settings.log_levels() == (level, targets)


def test_rust_log_directives_reach_the_loggers(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from normogen.logging import TRACE, configure_logging

    monkeypatch.setenv("RUST_LOG", "normogen=debug,tower_http=trace,warn")
    level, targets = load_settings(NORMOGEN_ENV="development").log_levels()
    configure_logging(level, "json", targets)
    try:
        assert logging.getLogger().level == logging.WARNING
        assert logging.getLogger("normogen").getEffectiveLevel() == logging.DEBUG
        assert logging.getLogger("normogen.access").getEffectiveLevel() == TRACE
        assert logging.getLogger("uvicorn").getEffectiveLevel() == logging.WARNING
    finally:
        for name in ("normogen", "normogen.access"):
            logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("RUST_LOG", "verbose", "RUST_LOG: 'verbose': 'verbose' is not a level"),
        ("RUST_LOG", "normogen=loud", "RUST_LOG: 'normogen=loud': 'loud' is not a level"),
        ("RUST_LOG", "=debug", "RUST_LOG: '=debug': the target before '=' must be a logger"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL: 'verbose' is not a level"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,proxy", "TRUSTED_PROXIES: 'proxy' is not an IP network"),
        ("TRUSTED_PROXIES", "10.0.0.0/33", "TRUSTED_PROXIES: '10.0.0.0/33' is not an IP network"),
        ("ALLOWED_ORIGINS", "http://localhost:3000/app", "ALLOWED_ORIGINS: origin"),
        ("ALLOWED_ORIGINS", "https://a.example?x=1", "ALLOWED_ORIGINS: origin"),
        ("ALLOWED_ORIGINS", "https://user@a.example", "ALLOWED_ORIGINS: origin"),
        ("ALLOWED_ORIGINS", "https://a.example:99999", "ALLOWED_ORIGINS: origin"),
        ("ALLOWED_ORIGINS", "ftp://a.example", "ALLOWED_ORIGINS: origin"),
        ("ALLOWED_ORIGINS", "https://", "ALLOWED_ORIGINS: origin"),
        ("SERVER_PORT", "http", "SERVER_PORT: Input should be a valid integer"),
        ("ENABLE_DOCS", "maybe", "ENABLE_DOCS: Input should be a valid boolean"),
    ],
)
def test_every_invalid_value_gets_one_line_naming_its_setting(
    name: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(NORMOGEN_ENV="development")
    assert len(caught.value.problems) == 1, caught.value.problems
    (problem,) = caught.value.problems
    assert problem.startswith(expected), problem
    assert "\n" not in problem
    assert "function-after" not in problem
    assert "lax-or-strict" not in problem


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "https://app.example.org", "http://[::1]:8080"]
)
def test_origins_of_scheme_host_and_port_are_accepted(
    origin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOWED_ORIGINS", origin)
    settings = load_settings(NORMOGEN_ENV="development")
    assert [origin] == settings.ALLOWED_ORIGINS


def test_log_level_and_rust_log_together_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "info")
    monkeypatch.setenv("RUST_LOG", "debug")
    with pytest.raises(ConfigError, match="set either LOG_LEVEL or RUST_LOG, not both"):
        load_settings(NORMOGEN_ENV="development")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = _write(
        tmp_path / ".env",
        "NORMOGEN_ENV=development\nSERVER_PORT=7001\nRATE_LIMIT_REQUESTS=7\n"
        "RUST_LOG=debug\nJWT_SECRET_FILE=/nonexistent/secret\n",
    )
    monkeypatch.setenv("SERVER_PORT", "7002")
    monkeypatch.setenv("LOG_LEVEL", "error")  # replaces the file's RUST_LOG: the same setting
    monkeypatch.setenv("JWT_SECRET", GOOD_SECRET)  # replaces the file's JWT_SECRET_FILE
    settings = load_cli_settings(env_file)
    assert settings.NORMOGEN_ENV == "development"
    assert settings.SERVER_PORT == 7002
    assert settings.RATE_LIMIT_REQUESTS == 7
    assert settings.log_levels() == ("error", {})
    assert settings.JWT_SECRET is not None
    assert settings.JWT_SECRET.get_secret_value() == GOOD_SECRET


def test_settings_file_problems_are_reported_like_the_environment_s(tmp_path: Path) -> None:
    env_file = _write(tmp_path / ".env", "NORMOGEN_ENV=development\nRUST_LOG=loud\n")
    with pytest.raises(ConfigError, match="RUST_LOG: 'loud'"):
        load_cli_settings(env_file)


def test_the_file_s_settings_apply_only_to_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert env_file_path() is None
    (tmp_path / "config").mkdir()
    _write(tmp_path / "config" / ".env", "SERVER_PORT=7003\n")
    assert env_file_path() == Path("config/.env")
    monkeypatch.setenv("NORMOGEN_ENV_FILE", str(tmp_path / "other.env"))
    assert env_file_path() == tmp_path / "other.env"
    with pytest.raises(ConfigError, match=r"NORMOGEN_ENV_FILE: .* is not a readable file"):
        load_cli_settings(env_file_path())


def test_commands_that_sign_nothing_need_no_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://db:27017")
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_cli_settings(None)
    assert load_cli_settings(None, needs_secret=False).JWT_SECRET is None
    # A secret that is set must still be valid.
    monkeypatch.setenv("JWT_SECRET", "short")
    with pytest.raises(ConfigError, match="JWT_SECRET: must be at least"):
        load_cli_settings(None, needs_secret=False)


def test_origins_and_proxies_parse_from_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1/128")
    settings = load_settings(NORMOGEN_ENV="development")
    assert settings.ALLOWED_ORIGINS == ["https://a.example", "https://b.example"]
    assert [str(n) for n in settings.TRUSTED_PROXIES] == ["10.0.0.0/8", "::1/128"]


@pytest.mark.parametrize(
    "origin", ["*", "example.com", "https://example.com/", "http://localhost:3000/app"]
)
def test_bad_origins_are_refused(origin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_ORIGINS", origin)
    with pytest.raises(ConfigError, match="ALLOWED_ORIGINS"):
        load_settings(NORMOGEN_ENV="development")


def test_masked_dump_hides_secrets() -> None:
    settings = load_settings(JWT_SECRET=GOOD_SECRET, MONGODB_URI="mongodb://user:pw@db:27017")
    dumped = str(settings.masked())
    assert GOOD_SECRET not in dumped
    assert "pw@" not in dumped
    assert settings.masked()["JWT_SECRET"] == "**********"


@pytest.mark.parametrize(
    "url", ["example.org", "https://web.example.org/", "https://x.example?a=1", "ftp://x.example"]
)
def test_bad_public_web_urls_are_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_WEB_URL", url)
    with pytest.raises(ConfigError, match="PUBLIC_WEB_URL"):
        load_settings(NORMOGEN_ENV="development")


def test_public_web_url_accepts_an_origin_with_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_WEB_URL", "https://health.example.org/family")
    settings = load_settings(NORMOGEN_ENV="development")
    assert settings.PUBLIC_WEB_URL == "https://health.example.org/family"
