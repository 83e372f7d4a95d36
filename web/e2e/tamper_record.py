"""Serve an older version of a record again, directly in the server's database (a rollback by
an attacker holding it): `snapshot` keeps a user's medication record as it is now, `rollback`
writes that old version back as the newest change of its profile's feed."""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util
from engine_db import engine_uri
from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database

# The fields a rollback restores: the old ciphertext with everything it is bound to.
RESTORED = (
    "kind",
    "key_epoch",
    "occurred_at",
    "tags",
    "source",
    "payload",
    "size",
    "revision",
)


def medication(db: Database[dict[str, Any]], email: str) -> dict[str, Any]:
    users: Collection[dict[str, Any]] = db["users"]
    user = users.find_one({"email": email})
    if user is None:
        raise SystemExit(f"no user {email}")
    record = db["records"].find_one(
        {"created_by": user["_id"], "kind": "medication", "deleted": False}
    )
    if record is None:
        raise SystemExit(f"no medication of {email}")
    return dict(record)


def main() -> None:
    data_dir, command, email, path = (
        sys.argv[1],
        sys.argv[2],
        sys.argv[3],
        Path(sys.argv[4]),
    )
    uri = engine_uri(data_dir)
    client: MongoClient[dict[str, Any]]
    with MongoClient(uri) as client:
        db: Database[dict[str, Any]] = client["normogen"]
        record = medication(db, email)
        if command == "snapshot":
            kept = {k: record[k] for k in RESTORED if k in record}
            path.write_text(json_util.dumps(kept), encoding="utf-8")
            sys.stdout.write(json.dumps({"revision": record["revision"]}) + "\n")
            return
        old = json_util.loads(path.read_text(encoding="utf-8"))
        counter = db["profiles"].find_one_and_update(
            {"_id": record["profile_id"]},
            {"$inc": {"seq": 1}},
            return_document=ReturnDocument.AFTER,
        )
        stamp = datetime.now(UTC)
        now = stamp.replace(microsecond=stamp.microsecond // 1000 * 1000)
        if counter is None:
            raise SystemExit("the record's profile is gone")
        result = db["records"].update_one(
            {"_id": record["_id"]},
            {"$set": {**old, "seq": int(counter["seq"]), "updated_at": now}},
        )
        answer = {
            "matched": result.matched_count,
            "from": record["revision"],
            "to": old["revision"],
        }
        sys.stdout.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
