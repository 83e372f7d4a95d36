"""Settings: the seed's names and defaults, secrets from files, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from normogen.config import ConfigError, Settings, load_settings

CONFIG = Path(__file__).resolve().parents[2] / "config"
GOOD_SECRET = "k" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*Settings.model_fields, "RUST_LOG", "JWT_SECRET_FILE", "MONGODB_URI_FILE"]:
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
    # Every setting is documented there, apart from the two secrets (no defaults).
    assert set(Settings.model_fields) - set(documented) == {"JWT_SECRET", "MONGODB_URI"}


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


def test_example_env_file_placeholder_is_refused() -> None:
    example = _env_file(CONFIG / ".env.example")
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_settings(**example)


def test_example_env_file_is_valid_once_the_secret_is_set() -> None:
    example = _env_file(CONFIG / ".env.example") | {"JWT_SECRET": GOOD_SECRET}
    example.pop("RUST_LOG")
    settings = load_settings(**example, LOG_LEVEL="info")
    assert settings.MONGODB_URI is not None
    assert settings.MONGODB_URI.get_secret_value() == "mongodb://mongodb:27017/normogen"


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
    ("raw", "level"), [("debug", "debug"), ("info,tower_http=debug", "info"), ("WARN", "warn")]
)
def test_rust_log_is_an_alias_for_log_level(
    raw: str, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUST_LOG", raw)
    settings = load_settings(NORMOGEN_ENV="development")
    assert level == settings.LOG_LEVEL


def test_origins_and_proxies_parse_from_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1/128")
    settings = load_settings(NORMOGEN_ENV="development")
    assert settings.ALLOWED_ORIGINS == ["https://a.example", "https://b.example"]
    assert [str(n) for n in settings.TRUSTED_PROXIES] == ["10.0.0.0/8", "::1/128"]


@pytest.mark.parametrize("origin", ["*", "example.com", "https://example.com/"])
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
