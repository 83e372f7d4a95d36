"""Build local stand-ins for the Dockerfile's base images from this machine's Debian packages.

No container registry is reachable here, so `make test-image` builds the real Dockerfile on top
of two images assembled from the files of installed Debian 12 packages (as distroless itself is
assembled from .debs, without running maintainer scripts):

* builder: Debian's python3.11 with venv/ensurepip, a POSIX shell and coreutils, with
  /usr/local/bin/python* links like the official python:3.11-slim-bookworm image;
* runtime: what the distroless python3-debian12 image holds (glibc, OpenSSL, CA bundle, tzdata,
  Debian's /usr/bin/python3.11 and its standard library) and nothing else: no shell, no package
  manager, entrypoint /usr/bin/python3.11, user nonroot (65532).

Idempotent: an image whose label carries the same content hash is kept.
Usage: python3 backend/scripts/standin_images.py [--print-args]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUILDER_TAG = "localhost/normogen-standin/python:3.11-slim-bookworm"
RUNTIME_TAG = "localhost/normogen-standin/distroless-python3-debian12:nonroot"
HASH_LABEL = "org.normogen.standin.hash"

# What the two images hold (their Depends are followed, minus EXCLUDED).
RUNTIME_ROOTS = [
    "base-files",
    "netbase",
    "tzdata",
    "ca-certificates",
    "media-types",
    "libc6",
    "libssl3",
    "openssl",
    "libgcc-s1",
    "libstdc++6",
    "python3.11-minimal",
    "libpython3.11-minimal",
    "libpython3.11-stdlib",
]
BUILDER_EXTRA = ["dash", "coreutils", "sed", "grep", "findutils", "python3.11", "python3.11-venv"]
# Maintainer-script machinery, shells and package managers: never copied (distroless has none).
EXCLUDED = {
    "awk",
    "mawk",
    "debconf",
    "debconf-2.0",
    "dpkg",
    "debianutils",
    "perl-base",
    "bash",
    "apt",
    "python3-pip",
}
RUNTIME_FORBIDDEN = {"dash", "bash", "coreutils", "apt", "dpkg", "python3-pip-whl"}
MERGED_USR = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib64": "usr/lib64"}
USERS = (  # /etc/passwd: the accounts distroless images define
    "root:x:0:0:root:/root:/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
    "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
)
GROUPS = "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload, no-any-return]  # noqa: S603


def installed_packages() -> tuple[dict[str, list[list[str]]], dict[str, str], dict[str, str]]:
    """Dependencies (alternatives per entry), versions and virtual-package providers."""
    fmt = "${Package}\t${db:Status-Abbrev}\t${Version}\t${Provides}\t${Pre-Depends}\t${Depends}\n"
    deps: dict[str, list[list[str]]] = {}
    versions: dict[str, str] = {}
    providers: dict[str, str] = {}
    for line in _run("dpkg-query", "-W", f"-f={fmt}").stdout.splitlines():
        name, status, version, provides, pre, depends = line.split("\t")
        if not status.startswith("ii"):
            continue
        versions[name] = version
        for virtual in _names(provides):
            providers.setdefault(virtual, name)
        entries = [e for e in f"{pre},{depends}".split(",") if e.strip()]
        deps[name] = [_names(entry.replace("|", ",")) for entry in entries]
    return deps, versions, providers


def _names(field: str) -> list[str]:
    names = (re.sub(r"\(.*?\)|:\w+", "", part).strip() for part in field.split(","))
    return [n for n in names if n]


def closure(roots: list[str]) -> list[str]:
    deps, versions, providers = installed_packages()
    missing = [r for r in roots if r not in versions]
    if missing:
        raise SystemExit(f"standin_images: not installed: {' '.join(missing)}")
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name in EXCLUDED:
            continue
        seen.add(name)
        for alternatives in deps.get(name, []):
            resolved = [providers.get(a, a) for a in alternatives]
            chosen = next((a for a in resolved if a in versions), None)
            if chosen is not None and chosen not in EXCLUDED:
                todo.append(chosen)
    return sorted(seen)


def content_hash(packages: list[str], extra: str) -> str:
    _, versions, _ = installed_packages()
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(extra.encode())
    for name in packages:
        digest.update(f"{name}={versions[name]}\n".encode())
    return digest.hexdigest()[:24]


def populate(rootfs: Path, packages: list[str]) -> None:
    """Copy every file the packages installed (as dpkg lists them) into a merged-/usr tree."""
    for directory in ("usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "root", "home"):
        (rootfs / directory).mkdir(parents=True, exist_ok=True)
    for link, target in MERGED_USR.items():
        (rootfs / link).symlink_to(target)
    for package in packages:
        for line in _run("dpkg-query", "-L", package).stdout.splitlines():
            source = Path(line.strip())
            if not line.startswith("/") or source == Path("/"):
                continue
            _copy(source, rootfs / line.strip().lstrip("/"))
    shutil.copy2(CA_BUNDLE, rootfs / CA_BUNDLE.relative_to("/"))
    (rootfs / "etc/passwd").write_text(USERS)
    (rootfs / "etc/group").write_text(GROUPS)
    for tmp in ("tmp", "var/tmp"):
        (rootfs / tmp).mkdir(parents=True, exist_ok=True)
        (rootfs / tmp).chmod(0o1777)
    home = rootfs / "home/nonroot"
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, 65532, 65532)


def _copy(source: Path, dest: Path) -> None:
    if source.is_symlink():
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.is_symlink() and not dest.exists():
            dest.symlink_to(os.readlink(source))
    elif source.is_dir():
        dest.mkdir(parents=True, exist_ok=True)
    elif source.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)


def image_hash(tag: str) -> str | None:
    result = subprocess.run(  # noqa: S603
        ["podman", "image", "inspect", "--format", f'{{{{index .Labels "{HASH_LABEL}"}}}}', tag],  # noqa: S607
        text=True,
        capture_output=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def build(tag: str, packages: list[str], changes: list[str], extra: str = "") -> None:
    wanted = content_hash(packages, extra + "\n".join(changes))
    if image_hash(tag) == wanted:
        print(f"standin_images: {tag} is up to date")
        return
    with tempfile.TemporaryDirectory(prefix="normogen-standin-", dir="/var/tmp") as tmp:
        rootfs = Path(tmp) / "rootfs"
        populate(rootfs, packages)
        if extra == "builder":
            for name in ("python", "python3", "python3.11"):
                (rootfs / "usr/local/bin").mkdir(parents=True, exist_ok=True)
                (rootfs / "usr/local/bin" / name).symlink_to("/usr/bin/python3.11")
        else:
            # As in the distroless image: python3 names Debian's interpreter.
            (rootfs / "usr/bin/python3").symlink_to("python3.11")
            leaked = [
                p
                for p in ("bin/sh", "usr/bin/dash", "usr/bin/bash", "usr/bin/dpkg")
                if (rootfs / p).exists() or (rootfs / p).is_symlink()
            ]
            if leaked:
                raise SystemExit(f"standin_images: runtime image would carry {leaked}")
        tarball = Path(tmp) / "rootfs.tar"
        _run("tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tarball), ".")
        args = ["podman", "import", "--quiet"]
        for change in [*changes, f"LABEL {HASH_LABEL}={wanted}"]:
            args += ["--change", change]
        _run(*args, str(tarball), tag)
    print(f"standin_images: built {tag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print-args", action="store_true", help="print --build-arg flags")
    args = parser.parse_args()
    if args.print_args:
        print(f"--build-arg BUILDER_IMAGE={BUILDER_TAG} --build-arg RUNTIME_IMAGE={RUNTIME_TAG}")
        return 0
    runtime = closure(RUNTIME_ROOTS)
    forbidden = RUNTIME_FORBIDDEN.intersection(runtime)
    if forbidden:
        raise SystemExit(f"standin_images: runtime closure pulls in {sorted(forbidden)}")
    path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    build(
        RUNTIME_TAG,
        runtime,
        [
            f"ENV {path}",
            f"ENV SSL_CERT_FILE={CA_BUNDLE}",
            "ENV LANG=C.UTF-8",
            "USER 65532",
            "WORKDIR /home/nonroot",
            'ENTRYPOINT ["/usr/bin/python3.11"]',
        ],
        extra="runtime",
    )
    build(
        BUILDER_TAG,
        closure(RUNTIME_ROOTS + BUILDER_EXTRA),
        [f"ENV {path}", "ENV LANG=C.UTF-8", 'CMD ["python3"]'],
        extra="builder",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
