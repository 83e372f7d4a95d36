"""Database scans for the zero-knowledge tests: every stored byte, every encoding of a secret."""

from __future__ import annotations

import base64
import json
from typing import Any

import bson
from pymongo import AsyncMongoClient


def secret_forms(secret: bytes) -> list[bytes]:
    """Every usual encoding of a secret that could end up in a document."""
    return [
        secret,
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
        secret.hex().encode(),
    ]


async def dump_database(mongo: AsyncMongoClient[dict[str, Any]], database: str) -> bytes:
    """Every document of every collection, as BSON and as JSON text."""
    db = mongo[database]
    dump = bytearray()
    for name in await db.list_collection_names():
        async for doc in db[name].find():
            dump += bson.encode(doc)
            dump += json.dumps(doc, default=str).encode()
    return bytes(dump)
