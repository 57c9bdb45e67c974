"""The Whoosh schema: one index holding suppliers and reviews.

Text fields are stemmed (so "complaints" finds "complaint"); the name weighs most. Facets
and sorts use column-stored (``sortable``) ID/NUMERIC/DATETIME fields. ``spell`` keeps the
unstemmed words for "Did you mean", ``suggest`` the lower-cased words of supplier names
for prefix suggestions.
"""

from __future__ import annotations

import struct
from typing import Any

from whoosh import columns, formats
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

SUPPLIER_FIELDS = {
    "name": 6.0,
    "aliases": 4.0,
    "sector_text": 1.5,
    "area_text": 1.5,
    "domain": 2.0,
    "description": 1.0,
}
REVIEW_FIELDS = {"title": 2.0, "body": 1.0, "supplier_text": 1.5}
PHRASE_POSITIONS = {"body": "body_positions"}
"""Where a field's word positions are kept, when not in the field itself.

Review bodies are most of the index. Their postings keep frequencies only, so a word's
posting list reads several times faster (Whoosh unpickles positions with every block);
the positions, needed only for quoted phrases, live in an unscored twin field."""
TEXT_FIELDS = {**SUPPLIER_FIELDS, **REVIEW_FIELDS}
FACETS = ("kind", "sector", "area", "rating_band", "assurance")


class PackedPositions(formats.Positions):
    """Word positions as plain big-endian 32-bit numbers (count first), not a pickle.

    Whoosh's own encoding pickles each posting's positions, which decodes one Python
    call per posting; these decode a whole block with one numpy call (postings.py),
    so a quoted phrase over common words is quick the first time too.
    """

    def encode(self, poslist: list[int]) -> bytes:
        return struct.pack(f">{len(poslist) + 1}I", len(poslist), *poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        count = struct.unpack_from(">I", valuestring)[0]
        return list(struct.unpack_from(f">{count}I", valuestring, 4))


def _positions_only(analyzer: Any) -> TEXT:
    field = TEXT(analyzer=analyzer)
    field.format = PackedPositions()
    return field


def _facet_column() -> columns.RefBytesColumn:
    # Each document stores a small number into a table of the distinct values, which
    # postings.codes reads for facet counts in one go (up to 65,535 values a segment;
    # facets are sectors, kinds, bands and local-authority areas).
    return columns.RefBytesColumn()


def build_schema() -> Schema:
    stem = StemmingAnalyzer()
    words = StandardAnalyzer(stoplist=None)
    # Stop words are dropped in every field a query's words are looked for in: one
    # field keeping "the" would make "the refund" ask for a domain containing "the".
    domain_words = StandardAnalyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        doc_type=ID(stored=True, sortable=_facet_column()),
        doc_id=NUMERIC(stored=True),
        # Searchable text, stored where snippets are shown from it.
        name=TEXT(analyzer=stem, stored=True, field_boost=SUPPLIER_FIELDS["name"]),
        aliases=TEXT(analyzer=stem, stored=True, field_boost=SUPPLIER_FIELDS["aliases"]),
        sector_text=TEXT(analyzer=stem, field_boost=SUPPLIER_FIELDS["sector_text"]),
        area_text=TEXT(analyzer=stem, field_boost=SUPPLIER_FIELDS["area_text"]),
        domain=TEXT(analyzer=domain_words, stored=True, field_boost=SUPPLIER_FIELDS["domain"]),
        description=TEXT(analyzer=stem, stored=True),
        title=TEXT(analyzer=stem, stored=True, field_boost=REVIEW_FIELDS["title"]),
        body=TEXT(analyzer=stem, stored=True, phrase=False),
        body_positions=_positions_only(stem),
        supplier_text=TEXT(analyzer=stem, field_boost=REVIEW_FIELDS["supplier_text"]),
        suggest=TEXT(analyzer=words, phrase=False),
        spell=TEXT(analyzer=words, phrase=False),
        # Shown in results without a database round trip.
        supplier_id=NUMERIC(stored=True),
        supplier_slug=STORED(),
        supplier_name=STORED(),
        rating=STORED(),
        # Facets and sorting.
        kind=ID(stored=True, sortable=_facet_column()),
        sector=ID(stored=True, sortable=_facet_column()),
        area=ID(stored=True, sortable=_facet_column()),
        rating_band=ID(stored=True, sortable=_facet_column()),
        assurance=ID(stored=True, sortable=_facet_column()),  # reviews only
        created_at=DATETIME(stored=True, sortable=True),
        # Milli-points: a sortable float NUMERIC fails in Whoosh (both 2.7.4 and -reloaded).
        reputation=NUMERIC(int, bits=64, stored=True, sortable=True, default=0),
    )


def schema_is_current(stored: Schema) -> bool:
    """Whether an index's stored schema analyses, weighs and stores as build_schema() does.

    Field by field: the same kinds, formats (with their boosts, which Whoosh multiplies
    into the stored weights), analyzers, stored flags and column kinds (Whoosh's own
    equality compares column objects by identity, so it never holds).
    """
    expected = build_schema()
    if sorted(stored.names()) != sorted(expected.names()):
        return False
    return all(_shape(stored[name]) == _shape(expected[name]) for name in expected.names())


def _shape(field: Any) -> tuple[object, ...]:
    column = getattr(field, "column_type", None)
    return (
        type(field),
        type(field.format),
        getattr(field.format, "field_boost", None),
        getattr(field, "analyzer", None),
        field.stored,
        field.scorable,
        type(column),
        # The struct type of a NUMERIC or DATETIME column (Whoosh builds the column from it).
        field.sortable_typecode,
    )
