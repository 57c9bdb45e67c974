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

PAIRS = "parley_pairs"
"""A tsvector's pairs of adjacent words ('late refund'), without positions."""
PAIRS_QUERY = "parley_pairs_query"
"""The pairs of adjacent words every match of a phrase has, as a tsquery (NULL: none)."""

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
    sa.Column("head", TSVECTOR),
    sa.Column("pairs", TSVECTOR),
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
HEAD_VECTOR = (
    f"to_tsvector('{TEXT_CONFIG}'::regconfig, "
    f"{UNACCENT}(name || ' ' || aliases || ' ' || domain || ' ' || title))"
)


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


_PAIRS_FUNCTIONS = [
    # Positions p and p + 1, as phraseto_tsquery's <-> matches them (stop words keep
    # their places, so "refund of the bill" has no pair). A generated column may not
    # read another, so the pairs are made from the document's expression again.
    """CREATE FUNCTION parley_pairs(tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT
PARALLEL SAFE AS $$
  WITH at AS (SELECT w.lexeme, p FROM unnest($1) w, unnest(w.positions) p)
  SELECT array_to_tsvector(coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), '{}'))
  FROM at a JOIN at b ON b.p = a.p + 1
$$""",
    # Each pair quoted as tsquery input quotes a lexeme, joined with &: the lexemes
    # come from the parser, and quoting keeps each one lexeme, never an operator.
    r"""CREATE FUNCTION parley_pairs_query(text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT
PARALLEL SAFE AS $$
  SELECT string_agg('''' || replace(replace(pair, '\', '\\'), '''', '''''') || '''', ' & ')
    ::tsquery
  FROM unnest(tsvector_to_array(
    parley_pairs(to_tsvector('english'::regconfig, parley_unaccent($1))))) pair
$$""",
]

_GIN = ("document", "head", "pairs", "spell_words")


def bounded_statements() -> list[str]:
    """The DDL of the second migration: the heavy fields' and the word pairs' vectors,
    the indexes that let a search stop early, and GIN indexes with a short pending list."""
    return [
        *_PAIRS_FUNCTIONS,
        f"ALTER TABLE search_document ADD COLUMN head tsvector GENERATED ALWAYS AS "
        f"({HEAD_VECTOR}) STORED",
        f"ALTER TABLE search_document ADD COLUMN pairs tsvector GENERATED ALWAYS AS "
        f"({PAIRS}({DOCUMENT_VECTOR})) STORED",
        "CREATE INDEX ix_search_document_head ON search_document USING gin (head)",
        "CREATE INDEX ix_search_document_pairs ON search_document USING gin (pairs)",
        *(
            f"CREATE INDEX ix_search_document_{name} ON search_document (lower({name}))"
            for name in FACET_COLUMNS
        ),
        "CREATE INDEX ix_search_document_reputation"
        " ON search_document (reputation DESC, doc_id DESC)",
        "CREATE INDEX ix_search_document_listing ON search_document (doc_type DESC, doc_id)",
        # Every search reads a GIN index's whole pending list (4 MB by default; 1.5 MB
        # added 4 ms to a scan); 256 kB keeps it short and still batches a reindex's
        # inserts (with no list at all, loading 100,000 documents took twice as long).
        *(
            f"ALTER INDEX ix_search_document_{name} SET (gin_pending_list_limit = 256)"
            for name in _GIN
        ),
        *(f"SELECT gin_clean_pending_list('ix_search_document_{name}')" for name in _GIN),
    ]


BOUNDED_DROP_STATEMENTS = [
    *(f"DROP INDEX ix_search_document_{name}" for name in ("reputation", "listing")),
    *(f"DROP INDEX ix_search_document_{name}" for name in FACET_COLUMNS),
    *(
        f"ALTER INDEX ix_search_document_{name} RESET (gin_pending_list_limit)"
        for name in ("document", "spell_words")
    ),
    "ALTER TABLE search_document DROP COLUMN pairs",  # and its index
    "ALTER TABLE search_document DROP COLUMN head",
    f"DROP FUNCTION {PAIRS_QUERY}(text)",
    f"DROP FUNCTION {PAIRS}(tsvector)",
]

DROP_STATEMENTS = [
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_document",
    f"DROP FUNCTION IF EXISTS {UNACCENT}(text)",
]
