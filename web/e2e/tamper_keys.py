"""Replace an account's published keys directly in the server's database (an attacker holding it)."""

import base64
import json
import os
import sys
from typing import Any

from engine_db import engine_uri
from pymongo import MongoClient
from pymongo.collection import Collection


def fresh_like(old: str) -> str:
    """32 new random bytes, in the same base64 alphabet and padding as the stored value."""
    raw = os.urandom(32)
    if "-" in old or "_" in old or not old.endswith("="):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return base64.b64encode(raw).decode()


def main() -> None:
    data_dir, email = sys.argv[1], sys.argv[2]
    uri = engine_uri(data_dir)
    client: MongoClient[dict[str, Any]]
    with MongoClient(uri) as client:
        users: Collection[dict[str, Any]] = client["normogen"]["users"]
        user = users.find_one({"email": email})
        if user is None:
            raise SystemExit(f"no user {email}")
        changed = {k: fresh_like(str(user[k])) for k in ("identity_key", "public_key")}
        result = users.update_one({"_id": user["_id"]}, {"$set": changed})
        print(json.dumps({"matched": result.matched_count}))


if __name__ == "__main__":
    main()
