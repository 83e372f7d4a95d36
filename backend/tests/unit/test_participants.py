"""normogen/participants.py lists every module's indexes and owned data, and nothing runs
without it: a domain cannot be left out of account deletion by a missed import."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest

import normogen
from normogen import participants
from normogen.db import indexes
from normogen.db.indexes import CollectionIndexes
from normogen.users import owned
from normogen.users.owned import OwnedData


def _module_values() -> Iterator[Any]:
    """Every module-level value of every normogen module (the tuples' items, too)."""
    for info in pkgutil.walk_packages(normogen.__path__, "normogen."):
        if info.name == "normogen.__main__":
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            yield from value if isinstance(value, tuple) else (value,)


def test_every_stated_owned_data_is_listed() -> None:
    stated = {id(value): value for value in _module_values() if isinstance(value, OwnedData)}
    assert {owned.name for owned in stated.values()} == {
        owned.name for owned in participants.OWNED_DATA
    }
    assert len(participants.OWNED_DATA) == len(stated)


def test_every_stated_collection_index_is_listed() -> None:
    stated = {
        value.collection for value in _module_values() if isinstance(value, CollectionIndexes)
    }
    assert stated == {spec.collection for spec in participants.INDEXES}
    assert "users" in stated
    assert "records" in stated


def test_without_the_install_deletion_and_migration_refuse_to_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(owned, "_REGISTRY", None)
    monkeypatch.setattr(indexes, "_INSTALLED", None)
    with pytest.raises(RuntimeError, match="participants"):
        owned.registered()
    with pytest.raises(RuntimeError, match="participants"):
        indexes.declared()


def test_a_participant_listed_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owned, "_REGISTRY", None)
    monkeypatch.setattr(indexes, "_INSTALLED", None)
    first = participants.OWNED_DATA[0]
    with pytest.raises(ValueError, match=first.name):
        owned.install([*participants.OWNED_DATA, first])
    with pytest.raises(ValueError, match="twice"):
        indexes.install([*participants.INDEXES, participants.INDEXES[0]])


def test_install_orders_deletion_by_order_then_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owned, "_REGISTRY", None)
    monkeypatch.setattr(indexes, "_INSTALLED", None)
    participants.install()
    extra = OwnedData("extra", participants.OWNED_DATA[0].export, participants.OWNED_DATA[0].delete)
    owned.register_owned(extra)
    participants.install()  # a second app in the process keeps what is installed
    assert "extra" in {entry.name for entry in owned.registered()}
    owned.unregister_owned("extra")
    order = [(entry.order, entry.name) for entry in owned.registered()]
    assert order == sorted(order)
    assert {entry.name for entry in owned.registered()} == {
        entry.name for entry in participants.OWNED_DATA
    }
