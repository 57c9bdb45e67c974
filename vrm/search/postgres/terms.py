"""The words and "phrases" of a cleaned query, as PostgreSQL text-search queries.

Pure: the text has been through documents.clean_query (plain words, balanced quotes),
and each word or phrase becomes a bound parameter of plainto_tsquery or phraseto_tsquery,
which read any text as words. User text never reaches to_tsquery's operator syntax, so
no input is an error or an expensive expansion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PIECE = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False


def terms(cleaned: str) -> list[Term]:
    """Each quoted phrase and each other word, in order; a one-word "phrase" is a word."""
    found: list[Term] = []
    for quoted, word in _PIECE.findall(cleaned):
        if quoted:
            words = quoted.split()
            if words:
                found.append(Term(" ".join(words), phrase=len(words) > 1))
        elif word.strip('"'):
            found.append(Term(word.strip('"')))
    return found


_WORD = re.compile(r"\w+(?:\.?\w+)*")
"""A word as Whoosh's StandardAnalyzer tokenises it (for "did you mean")."""


def words_with_positions(text: str) -> list[tuple[str, int, int]]:
    """Each word of TEXT lower-cased, with where it starts and ends in TEXT."""
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of A and B, or LIMIT + 1 when it is more than LIMIT."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)
