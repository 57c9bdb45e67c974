""" "Did you mean": a likelier spelling for the words the index has never seen.

A word is offered a correction only when it is unknown twice over: not among the words
of any document as written (the ``spell`` field) and not found by the search itself,
stemmed, in any searched field, so "councils" is never "corrected" to "council".
Corrections come from the words of live documents as written (never a deleted one's:
see _live_frequency), one edit away before two, the more documents a word is in the
likelier; stop words and very short words are never offered,
and the rest of the text (quotes, hyphens, other words) is kept as it was typed.
"""

from __future__ import annotations

from typing import Any

from whoosh.analysis import STOP_WORDS

from vrm.search.schema import TEXT_FIELDS

MIN_LENGTH = 4
"""Shorter words are left alone: too many real words lie within an edit or two."""


def did_you_mean(searcher: Any, text: str) -> str | None:
    """TEXT with its unknown words replaced by likelier ones, or None if none are."""
    reader = searcher.reader()
    pieces: list[str] = []
    position = 0
    for token in searcher.schema["spell"].analyzer(text, chars=True, mode="query"):
        word = token.text
        if len(word) < MIN_LENGTH or word in STOP_WORDS or _known(searcher, word):
            continue
        better = _closest(reader, word)
        if better is not None:
            pieces += [text[position : token.startchar], better]
            position = token.endchar
    if not pieces:
        return None
    return "".join([*pieces, text[position:]])


def _known(searcher: Any, word: str) -> bool:
    reader = searcher.reader()
    if ("spell", word) in reader:
        return True
    schema = searcher.schema
    return any(
        (field, form) in reader
        for field in TEXT_FIELDS
        for form in schema[field].process_text(word, mode="query")
    )


def _closest(reader: Any, word: str) -> str | None:
    for distance in (1, 2):
        frequency: dict[str, int] = {
            str(c): _live_frequency(reader, c)
            for c in reader.terms_within("spell", word, distance, prefix=1)
            if c != word and len(c) >= 3 and c not in STOP_WORDS
        }
        candidates: list[str] = [c for c, count in frequency.items() if count]
        if candidates:
            return min(candidates, key=lambda c: (-frequency[c], c))
    return None


def _live_frequency(reader: Any, word: str) -> int:
    """How many live documents hold WORD as written. A segment keeps a deleted
    document's words (and counts them in doc_frequency) until it is merged, so a
    withdrawn, hidden or erased review's words would otherwise still be offered."""
    if not reader.has_deletions():
        return int(reader.doc_frequency("spell", word))
    postings = reader.postings("spell", word)
    return sum(1 for docnum in postings.all_ids() if not reader.is_deleted(docnum))
