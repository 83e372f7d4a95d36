"""The command line's session file: encrypted, private, atomic, and locked when idle."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from normogen_client.cli.store import (
    FileStore,
    PassphrasePrompt,
    StoreError,
    choose_store,
    is_idle,
)

STATE = {"refresh_token": "r-secret", "keys": {"user_key": "a2V5"}, "last_used": 100.0}


@pytest.fixture(autouse=True)
def _config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMOGEN_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("NORMOGEN_SESSION_PASSPHRASE", raising=False)


def passphrase(value: str) -> tuple[PassphrasePrompt, list[bool]]:
    """A prompt callback answering `value`, and the record of what it was asked."""
    asked: list[bool] = []

    def prompt(new: bool) -> str:
        asked.append(new)
        return value

    return prompt, asked


def test_round_trip_private_and_encrypted(tmp_path: Path) -> None:
    prompt, asked = passphrase("open sesame")
    FileStore(prompt).save(STATE)
    path = tmp_path / "cfg" / "session.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert "r-secret" not in text
    assert "a2V5" not in text
    assert json.loads(text)["kdf"] == "scrypt"
    assert asked == [True]
    again, asked_again = passphrase("open sesame")
    assert FileStore(again).load() == STATE
    assert asked_again == [False]
    assert [p.name for p in path.parent.iterdir()] == ["session.json"]  # no temporary left


def test_wrong_passphrase_and_damaged_file(tmp_path: Path) -> None:
    FileStore(passphrase("right")[0]).save(STATE)
    with pytest.raises(StoreError, match="wrong session passphrase"):
        FileStore(passphrase("wrong")[0]).load()
    path = tmp_path / "cfg" / "session.json"
    path.write_text(path.read_text()[:-20])
    with pytest.raises(StoreError, match="damaged"):
        FileStore(passphrase("right")[0]).load()


def test_passphrase_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMOGEN_SESSION_PASSPHRASE", "from env")
    prompt, asked = passphrase("unused")
    FileStore(prompt).save(STATE)
    assert FileStore(prompt).load() == STATE
    assert asked == []


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(StoreError, match="passphrase is required"):
        FileStore(passphrase("")[0]).save(STATE)


def test_clear_and_missing() -> None:
    store = FileStore(passphrase("x")[0])
    assert store.load() is None
    store.save(STATE)
    store.clear()
    assert store.load() is None
    store.clear()  # twice is fine


def test_choose_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMOGEN_SESSION_STORE", "file")
    assert choose_store(None, passphrase("x")[0]).name == "file"
    monkeypatch.setenv("NORMOGEN_SESSION_STORE", "vault")
    with pytest.raises(StoreError, match="keyring or file"):
        choose_store(None, passphrase("x")[0])


def test_idle() -> None:
    state = {"last_used": 1000.0}
    assert not is_idle(state, 60, now=1060.0)
    assert is_idle(state, 60, now=1060.5)
    assert is_idle(state, 0, now=1000.001)
