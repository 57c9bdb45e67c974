"""Index segments are plain files: Whoosh copies a compound segment's parts into each
process's memory (BytesIO over the map), which cost every worker +400 MB at 100,000
reviews; plain files are read in place and shared through the page cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from vrm.search import index


def _document(number: int) -> dict[str, object]:
    return {
        "key": f"review:{number}",
        "doc_type": "review",
        "doc_id": number,
        "title": f"Refund number {number}",
        "body": "The engineer came twice and the refund never arrived.",
    }


@pytest.mark.parametrize("procs", [1, 2])
def test_bulk_and_incremental_writes_leave_no_compound_segment(tmp_path: Path, procs: int) -> None:
    name, ix = index.create_fresh(tmp_path)
    index.bulk_load(ix, (_document(n) for n in range(200)), procs=procs)
    index.swap(tmp_path, name)
    writer = index.open_writer(index.open_index(tmp_path))
    assert writer is not None
    index.write(writer, [_document(500)], {"review:3"})
    files = sorted(p.name for p in index.live_path(tmp_path).iterdir())
    assert not [f for f in files if f.endswith(".seg")], files
    with index.open_index(tmp_path).reader() as reader:
        segments = [leaf.segment() for leaf, _ in reader.leaf_readers()]
    assert segments and not any(segment.is_compound() for segment in segments)
