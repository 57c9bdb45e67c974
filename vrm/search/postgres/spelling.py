""" "Did you mean" and supplier-name suggestions from PostgreSQL, by Whoosh's rules.

A word is corrected only when no document has it as written (``spell_words``) and the
search does not find it through its stem (``document``). Candidates come from the word
list (``search_word``) through its pg_trgm index, then by edit distance here: one edit
before two, first letter kept, the word in the most documents first (counted up to
FREQUENCY_LIMIT), and only words some document still has.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from whoosh.analysis import STOP_WORDS

from vrm.search.postgres.terms import edit_distance, words_with_positions
from vrm.search.spelling import MIN_LENGTH

SIMILARITY = 0.2
"""pg_trgm similarity a candidate needs (low: "thmes" and "thames" share few trigrams)."""
CANDIDATES = 200
FREQUENCY_LIMIT = 1_000


def did_you_mean(session: Session, text: str) -> str | None:
    """TEXT with its unknown words replaced by likelier ones, or None if none are."""
    pieces: list[str] = []
    position = 0
    for word, start, end in words_with_positions(text):
        if len(word) < MIN_LENGTH or word in STOP_WORDS or _known(session, word):
            continue
        better = _closest(session, word)
        if better is not None:
            pieces += [text[position:start], better]
            position = end
    if not pieces:
        return None
    return "".join([*pieces, text[position:]])


def _known(session: Session, word: str) -> bool:
    has = sa.text(
        "SELECT EXISTS (SELECT 1 FROM search_document WHERE spell_words @@"
        " to_tsquery('simple', quote_literal(parley_unaccent(:w))))"
        " OR EXISTS (SELECT 1 FROM search_document WHERE document @@"
        " plainto_tsquery('english', parley_unaccent(:w)))"
    )
    return bool(session.scalar(has, {"w": word}))


def _closest(session: Session, word: str) -> str | None:
    session.execute(sa.text("SELECT set_config('pg_trgm.similarity_threshold', :s, true)"),
                    {"s": str(SIMILARITY)})  # fmt: skip
    found = session.scalars(
        sa.text(
            "SELECT word FROM search_word"
            " WHERE word OPERATOR(public.%) :w AND left(word, 1) = left(:w, 1)"
            " ORDER BY public.similarity(word, :w) DESC LIMIT :n"
        ),
        {"w": word, "n": CANDIDATES},
    ).all()
    for distance in (1, 2):
        candidates = {
            c
            for c in found
            if c != word
            and len(c) >= 3
            and c not in STOP_WORDS
            and edit_distance(word, c) <= distance
        }
        counted = [(c, _frequency(session, c)) for c in sorted(candidates)]
        alive = [(c, n) for c, n in counted if n]
        if alive:
            best: str = min(alive, key=lambda cn: (-cn[1], cn[0]))[0]
            return best
    return None


def _frequency(session: Session, word: str) -> int:
    return int(
        session.scalar(
            sa.text(
                "SELECT count(*) FROM (SELECT 1 FROM search_document WHERE spell_words @@"
                " to_tsquery('simple', quote_literal(:w)) LIMIT :n) found"
            ),
            {"w": word, "n": FREQUENCY_LIMIT},
        )
        or 0
    )


def suggest(session: Session, prefix: str, limit: int = 8) -> list[str]:
    """Supplier names with every typed word, the last perhaps half typed; the closest
    (pg_trgm similarity to what was typed) first."""
    words = [w for w, _, _ in words_with_positions(prefix)][:6]
    words = [w for word in words for w in word.replace(".", " ").split()]
    if not words or (len(words) == 1 and len(words[0]) < 2):
        return []
    # Each word a quoted lexeme, the last one a prefix ('british' & 'g':*).
    statement = sa.text(
        "SELECT name FROM search_document WHERE doc_type = 'supplier'"
        " AND to_tsvector('simple', suggest) @@ to_tsquery('simple', array_to_string("
        "ARRAY(SELECT quote_literal(w) FROM unnest(CAST(:words AS text[])) w), ' & ') || ':*')"
        " ORDER BY public.similarity(suggest, :typed) DESC, name LIMIT :n"
    )
    return list(session.scalars(statement, {"words": words, "typed": prefix, "n": limit}))
