"""The Makefile's guards: the Python version first, in one line; `clean` never deletes data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support import BACKEND

MAKEFILE = BACKEND.parent / "Makefile"


def make(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(tree), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tree(tmp_path: Path) -> Path:
    shutil.copy2(MAKEFILE, tmp_path / "Makefile")
    return tmp_path


def _old_python(tmp_path: Path) -> Path:
    """An interpreter that says it is 3.10 (to both of the Makefile's questions)."""
    stub = tmp_path / "python3.10"
    stub.write_text('#!/bin/sh\ncase "$*" in *">="*) exit 1 ;; esac\necho 3.10\n')
    stub.chmod(0o755)
    return stub


def test_an_old_python_stops_make_in_one_line_before_creating_anything(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    tree = _tree(tmp_path / "tree")
    stub = _old_python(tmp_path)
    result = make(tree, "install", f"PYTHON={stub}")
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if "Python" in line]
    assert ours == [
        f"make: Normogen needs Python 3.11 or newer, but {stub} is 3.10; "
        "install it or run with PYTHON=python3.11"
    ]
    assert not (tree / ".venv").exists()
    missing = make(tree, "run", "PYTHON=no-such-python")
    assert "but no-such-python is missing" in missing.stderr


def test_a_venv_of_an_old_python_is_named(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    for inputs in ("backend/requirements/dev.txt", "backend/pyproject.toml"):
        (tree / inputs).parent.mkdir(parents=True, exist_ok=True)
        (tree / inputs).write_text("")
    (tree / "clients" / "python").mkdir(parents=True)
    (tree / "clients" / "python" / "pyproject.toml").write_text("")
    (tree / ".venv" / "bin").mkdir(parents=True)
    shutil.copy2(_old_python(tmp_path), tree / ".venv" / "bin" / "python")
    result = make(tree, "install")
    assert result.returncode != 0
    assert "make: .venv was created by Python 3.10, Normogen needs 3.11+: make clean" in (
        result.stderr
    )


def test_clean_keeps_the_data_and_delete_data_asks_first(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    data = tree / "backend" / ".data" / "secantus"
    data.mkdir(parents=True)
    (data / "records.wt").write_bytes(b"health data")
    for tool in (".venv", ".venv-deploy", ".tools"):
        (tree / tool).mkdir()
    assert make(tree, "clean").returncode == 0
    assert not any((tree / tool).exists() for tool in (".venv", ".venv-deploy", ".tools"))
    assert (data / "records.wt").read_bytes() == b"health data"
    refused = make(tree, "delete-data")
    assert refused.returncode != 0
    assert "make delete-data CONFIRM=yes" in refused.stderr
    assert (data / "records.wt").exists()
    assert make(tree, "delete-data", "CONFIRM=yes").returncode == 0
    assert not (tree / "backend" / ".data").exists()
