"""Run benchmarks by name: `python -m bench [name ...]` (no name: all of them)."""

from __future__ import annotations

import argparse
import importlib

# Each module exposes `main() -> None` and prints its own figures and ratios.
BENCHMARKS = {
    "health": "bench.health",
    "login_stall": "bench.login_stall",
    "records": "bench.records",
    "tag_filter": "bench.tag_filter",
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], metavar="name")
    names = parser.parse_args().names or list(BENCHMARKS)
    for name in names:
        print(f"== {name} ==", flush=True)
        importlib.import_module(BENCHMARKS[name]).main()


if __name__ == "__main__":
    main()
