"""The files (CSV and JSON per dataset) and the Data Package that describes them.

A file is built once per content version and day (scores decay by the day) and kept in
the page cache, so the /open-data page can state each file's size and hash without
building it again for every visitor, and a download after it costs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from vrm.caching.pages import cache
from vrm.caching.versions import current_version, version_key
from vrm.clock import now
from vrm.opendata.datasets import DATASETS, Dataset
from vrm.opendata.formats import LICENCE, LICENCE_NAME, LICENCE_URL, csv_text

FORMATS = {"csv": "text/csv", "json": "application/json"}
LICENCES = [
    {"name": LICENCE_NAME, "path": LICENCE_URL, "title": "Creative Commons Attribution 4.0"}
]


@dataclass(frozen=True)
class Built:
    body: bytes
    version: int
    changed_at: dt.datetime | None

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def md5(self) -> str:
        return hashlib.md5(self.body, usedforsecurity=False).hexdigest()


def _json_body(dataset: Dataset, rows: list[dict[str, Any]]) -> bytes:
    document = {
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "licence": LICENCE,
        "licenses": LICENCES,
        "generated_at": now().isoformat(),
        "schema": dataset.schema(),
        "data": rows,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def build(session: Session, name: str, fmt: str) -> Built:
    """One file, from the cache when this version's is there."""
    dataset = DATASETS[name]
    version, changed_at = current_version(session)
    key = f"opendata:{name}.{fmt}:{version_key(version, changed_at)}:{now().date().isoformat()}"
    body = cache.get(key)
    if body is None:
        rows = dataset.rows(session)
        body = (
            csv_text(dataset.columns, rows).encode() if fmt == "csv" else _json_body(dataset, rows)
        )
        cache.set(key, body)
    return Built(body, version, changed_at)


def descriptor(session: Session, url: Callable[[str, str], str]) -> dict[str, Any]:
    """The Frictionless Data Package: one tabular resource per dataset (its CSV), with
    the JSON copy named beside it. URL(name, fmt) gives a file's absolute address."""
    resources = []
    for name, dataset in DATASETS.items():
        built = build(session, name, "csv")
        resources.append(
            {
                "name": name,
                "title": dataset.title,
                "description": dataset.description,
                "profile": "tabular-data-resource",
                "path": url(name, "csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": built.size,
                "hash": built.md5,
                "schema": dataset.schema(),
                "licenses": LICENCES,
                "json_copy": url(name, "json"),
            }
        )
    _, changed_at = current_version(session)
    return {
        "profile": "tabular-data-package",
        "name": "parley-open-data",
        "title": "Parley open data: how suppliers and public services are rated",
        "description": "Aggregates only: counts, scores and rates per supplier. Never a "
        "member, a review's text or anything that identifies a person.",
        "licenses": LICENCES,
        "created": (changed_at or now()).replace(microsecond=0).isoformat(),
        "resources": resources,
    }
