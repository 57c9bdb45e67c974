"""The PostgreSQL search tables: one row per public supplier or review, its words kept as
stored generated ``tsvector`` columns with GIN indexes, and the word list behind "did
you mean".

They exist on PostgreSQL only (the migration skips SQLite), so they live in a metadata
of their own, not in ``Base.metadata``: the models' check against the migrations
(tests/web/test_migrations.py) skips them by name (migrations/env.py).

Fields weigh as Whoosh's boosts do, in PostgreSQL's four weights: the name (6) A, aliases
(4) B, domain and review title (2) C, the rest (1-1.5) D; RANK_WEIGHTS gives them
1, 4/6, 2/6 and 1/6 in ts_rank_cd's {D, C, B, A} order.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

TEXT_CONFIG = "english"
"""Stemming and stop words of the document's words (Whoosh's StemmingAnalyzer is English)."""

RANK_WEIGHTS = "{0.1667, 0.3333, 0.6667, 1.0}"

UNACCENT = "parley_unaccent"
"""An IMMUTABLE wrapper of unaccent (or of nothing, without the extension): generated
columns accept only immutable functions, and unaccent() itself is only stable."""

TEXT_COLUMNS = (
    "name",
    "aliases",
    "sector_text",
    "area_text",
    "domain",
    "description",
    "title",
    "body",
    "supplier_text",
    "suggest",
    "spell",
)
FACET_COLUMNS = ("kind", "sector", "area", "rating_band", "assurance")

metadata = sa.MetaData()

search_document = sa.Table(
    "search_document",
    metadata,
    sa.Column("doc_type", sa.String(16), primary_key=True),
    sa.Column("doc_id", sa.Integer, primary_key=True),
    sa.Column("supplier_id", sa.Integer, nullable=False),
    sa.Column("review_id", sa.Integer, nullable=True),
    *(sa.Column(name, sa.Text, nullable=False, server_default="") for name in TEXT_COLUMNS),
    sa.Column("supplier_slug", sa.Text, nullable=False),
    sa.Column("supplier_name", sa.Text, nullable=False),
    *(sa.Column(name, sa.Text, nullable=False, server_default="") for name in FACET_COLUMNS),
    sa.Column("rating", sa.Float, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("reputation", sa.BigInteger, nullable=False),
    sa.Column("document", TSVECTOR),
    sa.Column("spell_words", TSVECTOR),
)

search_word = sa.Table("search_word", metadata, sa.Column("word", sa.Text, primary_key=True))

TABLE_NAMES = frozenset(metadata.tables)


def _vector(weight: str, *columns: str) -> str:
    text = " || ' ' || ".join(columns)
    return f"setweight(to_tsvector('{TEXT_CONFIG}'::regconfig, {UNACCENT}({text})), '{weight}')"


DOCUMENT_VECTOR = " || ".join(
    [
        _vector("A", "name"),
        _vector("B", "aliases"),
        _vector("C", "domain", "title"),
        _vector("D", "sector_text", "area_text", "supplier_text", "description", "body"),
    ]
)
SPELL_VECTOR = f"to_tsvector('simple'::regconfig, {UNACCENT}(spell))"


def create_statements(with_unaccent: bool) -> list[str]:
    """The DDL the migration runs (tests build the same tables from it)."""
    unaccent = (
        "SELECT public.unaccent('public.unaccent'::regdictionary, $1)"
        if with_unaccent
        else "SELECT $1"
    )
    text_columns = ",\n".join(f"  {name} text NOT NULL DEFAULT ''" for name in TEXT_COLUMNS)
    facet_columns = ",\n".join(f"  {name} text NOT NULL DEFAULT ''" for name in FACET_COLUMNS)
    return [
        f"CREATE FUNCTION {UNACCENT}(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
        f"PARALLEL SAFE AS $$ {unaccent} $$",
        f"""CREATE TABLE search_document (
  doc_type varchar(16) NOT NULL,
  doc_id integer NOT NULL,
  supplier_id integer NOT NULL REFERENCES supplier (id) ON DELETE CASCADE,
  review_id integer REFERENCES review (id) ON DELETE CASCADE,
{text_columns},
  supplier_slug text NOT NULL,
  supplier_name text NOT NULL,
{facet_columns},
  rating double precision NOT NULL,
  created_at timestamp NOT NULL,
  reputation bigint NOT NULL,
  document tsvector GENERATED ALWAYS AS ({DOCUMENT_VECTOR}) STORED,
  spell_words tsvector GENERATED ALWAYS AS ({SPELL_VECTOR}) STORED,
  CONSTRAINT pk_search_document PRIMARY KEY (doc_type, doc_id),
  CONSTRAINT ck_search_document_doc_type CHECK (doc_type IN ('supplier', 'review'))
)""",
        # Kept in the row (compressed), not in the TOAST table: ranking a broad word reads
        # every match's vector, and fetching each from TOAST took 2-3 times as long.
        "ALTER TABLE search_document ALTER COLUMN document SET STORAGE MAIN",
        "CREATE INDEX ix_search_document_document ON search_document USING gin (document)",
        "CREATE INDEX ix_search_document_spell_words ON search_document USING gin (spell_words)",
        "CREATE INDEX ix_search_document_supplier_id ON search_document (supplier_id)",
        "CREATE INDEX ix_search_document_review_id ON search_document (review_id)",
        "CREATE INDEX ix_search_document_created_at ON search_document (created_at)",
        "CREATE TABLE search_word (word text NOT NULL CONSTRAINT pk_search_word PRIMARY KEY)",
        "CREATE INDEX ix_search_word_trgm ON search_word USING gin (word public.gin_trgm_ops)",
    ]


DROP_STATEMENTS = [
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_document",
    f"DROP FUNCTION IF EXISTS {UNACCENT}(text)",
]
