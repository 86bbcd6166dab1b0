"""Hashing of the event chain: each event's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64

#: the fields of an event that its hash covers, in order.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "facilitator_id",
    "workbook_id",
    "workbook_version",
    "action",
    "entity",
    "entity_key",
    "reason",
    "before",
    "after",
    "prev_hash",
)


def event_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of an event's hashed fields."""
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
