"""The README's shell blocks marked `<!-- readme-test: ... -->`, run verbatim in a fresh shell.

Each runs in a copy of the repository (the files git tracks or would track, with their
modification times, so `make` sees the installed environment as current) whose `.venv` is
this checkout's, with an environment as bare as a new login: no virtual environment on PATH,
no Normogen variables. `run` blocks must exit 0; a `serve` block must become ready and then
stop cleanly when its terminal hangs up (SIGHUP to its process group), engine included.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from normogen.db.embedded import free_port, lock_holder
from tests.support import BACKEND, wait_until

ROOT = BACKEND.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- readme-test: (run|serve) -->\n```bash\n(.*?)```", re.DOTALL)
SHARED = (".venv", ".venv-deploy", ".tools")
# What `make install` depends on (Makefile): the copy's make must find .venv up to date.
INSTALL_INPUTS = (
    "backend/requirements/dev.txt",
    "backend/pyproject.toml",
    "clients/python/pyproject.toml",
)


def blocks(kind: str) -> list[str]:
    return [body for found, body in BLOCK.findall(README.read_text()) if found == kind]


def test_the_readme_marks_its_runnable_blocks() -> None:
    assert len(blocks("run")) >= 1
    assert len(blocks("serve")) == 1
    assert "make run" in blocks("serve")[0]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stamp = ROOT / ".venv" / ".installed-dev"
    if not stamp.exists():
        pytest.fail("run `make install` first")
    stale = [p for p in INSTALL_INPUTS if (ROOT / p).stat().st_mtime > stamp.stat().st_mtime]
    if stale:
        pytest.fail(f"{', '.join(stale)} changed since `make install`: run it again")
    root = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    for name in SHARED:
        if (ROOT / name).exists():
            (root / name).symlink_to(ROOT / name)
    return root


def fresh_shell(home: Path, **extra: str) -> dict[str, str]:
    """A new login's environment: system PATH only, its own HOME, nothing of ours."""
    home.mkdir(exist_ok=True)
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **extra}


@pytest.mark.parametrize("index", range(len(blocks("run"))))
def test_run_blocks_work_as_written(index: int, checkout: Path, tmp_path: Path) -> None:
    block = blocks("run")[index]
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", block],
        cwd=checkout,
        env=fresh_shell(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, (
        f"{block}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_serve_block_starts_and_a_hangup_stops_it_with_its_engine(
    checkout: Path, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        shell = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", blocks("serve")[0]],
            cwd=checkout,
            env=fresh_shell(tmp_path / "home", SERVER_PORT=str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's job
        )
    try:

        def ready() -> bool:
            if shell.poll() is not None:
                raise AssertionError(f"make run exited early:\n{log.read_text()[-3000:]}")
            try:
                return httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, 180, "make run never became ready")
        storage = checkout / "backend" / ".data" / "secantus"
        engine = lock_holder(storage)
        assert engine is not None
        assert engine > 0
        os.killpg(shell.pid, signal.SIGHUP)  # the terminal closes
        shell.wait(90)
        wait_until(lambda: _gone(engine), 60, "the engine outlived make run")
        assert lock_holder(storage) is None
        assert "embedded engine stopped" in log.read_text()  # stopped in order, not killed
    finally:
        if shell.poll() is None:
            os.killpg(shell.pid, signal.SIGKILL)
            shell.wait()
