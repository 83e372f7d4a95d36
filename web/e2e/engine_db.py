"""The database URI of the embedded engine a test server runs on (for the tamper_*.py scripts)."""

import json
from pathlib import Path


def engine_uri(data_dir: str) -> str:
    """The engine's URI from `<data_dir>/engine.json`, with the options SecantusDB needs."""
    engine = json.loads((Path(data_dir) / "engine.json").read_text(encoding="utf-8"))
    uri = str(engine["uri"])
    for option in ("retryWrites=false", "directConnection=true"):
        if option.split("=")[0].lower() not in uri.lower():
            uri += ("&" if "?" in uri else "?") + option
    return uri
