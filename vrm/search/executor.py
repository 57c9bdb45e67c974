"""Evaluates a parsed Whoosh query over whole posting arrays instead of match by match.

Why: Whoosh's matchers make several Python calls per matching document per field, and
a search page needs every match (for the total and the facet counts), not only the top
20. A two-word query over 100,000 reviews matches tens of thousands of documents across
nine fields: about half a second. Here each posting list is decoded once into numpy
arrays (see postings.py) and the query becomes a few array operations per segment,
scored with Whoosh's own BM25F formula and statistics, so the ranking is Whoosh's.

It evaluates what searching.py builds: terms, phrases (adjacent words, Whoosh's slop of
1), And, Or and Every. Anything else is a TypeError, not a silent fallback.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query, scoring

from vrm.search import postings, whoosh_internals
from vrm.search.schema import PHRASE_POSITIONS

Scores = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class SegmentMatches:
    reader: Any
    offset: int  # of the segment's first document among all segments
    key: str  # postings.segment_key
    matched: Mask
    scores: Scores


@dataclass(frozen=True)
class Matches:
    """Every match of a query: per segment, which documents and their scores."""

    segments: list[SegmentMatches]

    @property
    def total(self) -> int:
        return sum(int(np.count_nonzero(s.matched)) for s in self.segments)


def run(searcher: Any, q: query.Query, restrict: query.Query | None = None) -> Matches:
    """Every live document matching Q (and RESTRICT, unscored) with Whoosh's scores.

    The searcher must weigh with BM25F, Whoosh's default.
    """
    if not isinstance(searcher.weighting, scoring.BM25F):
        raise TypeError(f"only BM25F is evaluated here, not {searcher.weighting!r}")
    found = []
    for reader, offset in searcher.reader().leaf_readers():
        if not reader.doc_count_all():  # an empty index has a reader but no segment
            continue
        key = postings.segment_key(reader)
        context = _Segment(searcher, reader, key, offset)
        matched, scores = context.evaluate(q)
        if restrict is not None and matched.any():
            matched &= context.evaluate(restrict)[0]
        if reader.has_deletions():
            matched = matched & context.live()
        found.append(SegmentMatches(reader, offset, key, matched, scores))
    return Matches(found)


class _Segment:
    def __init__(self, searcher: Any, reader: Any, key: str, offset: int) -> None:
        self.searcher = searcher
        self.reader = reader
        self.key = key
        self.offset = offset
        self.size = reader.doc_count_all()

    def empty(self) -> tuple[Mask, Scores]:
        return np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float64)

    def live(self) -> Mask:
        alive = np.ones(self.size, dtype=bool)
        deleted = self.reader.deleted_docs_set
        alive[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False
        return alive

    def evaluate(self, q: query.Query) -> tuple[Mask, Scores]:
        if isinstance(q, query.Term):
            return self.term(q)
        if isinstance(q, query.And):
            return self.boosted(q, self.all_of(q.subqueries))
        if isinstance(q, query.Or) and not q.scale and q.minmatch in (0, 1, None):
            return self.boosted(q, self.any_of(q.subqueries))
        if isinstance(q, query.Phrase) and q.slop == 1:  # what the parser makes of "..."
            return self.phrase(q)
        if isinstance(q, query.Every) and not q.fieldname:
            return np.ones(self.size, dtype=bool), np.ones(self.size, dtype=np.float64)
        if q is query.NullQuery:
            return self.empty()
        raise TypeError(f"no array evaluation for {q!r}")

    @staticmethod
    def boosted(q: Any, found: tuple[Mask, Scores]) -> tuple[Mask, Scores]:
        # As Whoosh: a compound of one subquery is that subquery, boost and all.
        if q.boost == 1.0 or len(q.subqueries) < 2:
            return found
        return found[0], found[1] * q.boost

    def all_of(self, subqueries: list[query.Query]) -> tuple[Mask, Scores]:
        if not subqueries:
            return self.empty()
        matched, scores = self.evaluate(subqueries[0])
        for sub in subqueries[1:]:
            if not matched.any():
                break
            sub_matched, sub_scores = self.evaluate(sub)
            matched &= sub_matched
            scores += sub_scores
        scores[~matched] = 0.0
        return matched, scores

    def any_of(self, subqueries: list[query.Query]) -> tuple[Mask, Scores]:
        matched, scores = self.empty()
        for sub in subqueries:
            if isinstance(sub, query.Term):  # the common case, added in place
                self.add_term(sub, matched, scores)
            else:
                sub_matched, sub_scores = self.evaluate(sub)
                matched |= sub_matched
                scores += sub_scores
        return matched, scores

    def term(self, q: query.Term) -> tuple[Mask, Scores]:
        matched, scores = self.empty()
        self.add_term(q, matched, scores)
        return matched, scores

    def add_term(self, q: query.Term, matched: Mask, scores: Scores) -> None:
        """Mark Q's documents in MATCHED and add its scores to SCORES."""
        if q.fieldname not in self.searcher.schema:
            return
        try:
            text = self.searcher.schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return
        found = postings.postings(self.reader, self.key, q.fieldname, text)
        if len(found.docnums):
            matched[found.docnums] = True
            # A term's documents are distinct, so a fancy-indexed add is exact.
            scores[found.docnums] += self.term_scores(q.fieldname, text, found, q.boost)

    def phrase(self, q: query.Phrase) -> tuple[Mask, Scores]:
        """Documents with the words next to each other, in order, in the field.

        Scored as Whoosh scores a phrase: its words' scores as terms, times its boost.
        The positions come from the field, or from its twin (schema.PHRASE_POSITIONS).
        """
        matched, scores = self.empty()
        schema = self.searcher.schema
        if q.fieldname not in schema or not q.words:
            return matched, scores
        field = schema[q.fieldname]
        try:
            texts = [field.to_bytes(word) for word in q.words]
        except ValueError:
            return matched, scores
        matched[:] = True
        for word in q.words:
            word_matched, word_scores = self.empty()
            self.add_term(query.Term(q.fieldname, word), word_matched, word_scores)
            matched &= word_matched
            scores += word_scores
        source = _positions_field(schema, q.fieldname)
        if len(texts) > 1 and matched.any():
            if source is None:
                matched[:] = False
            else:
                matched &= self.adjacent(source, texts)
        scores = np.where(matched, scores * q.boost, 0.0)
        return matched, scores

    def adjacent(self, source: str, texts: list[bytes]) -> Mask:
        """Documents where TEXTS occur at consecutive positions of SOURCE."""
        starts = postings.positions(self.reader, self.key, source, texts[0])
        for text in texts[1:]:
            following = postings.positions(self.reader, self.key, source, text)
            starts = np.intersect1d(starts + 1, following, assume_unique=True)
            if not len(starts):
                break
        found = np.zeros(self.size, dtype=bool)
        found[(starts >> 32).astype(np.int64)] = True
        return found

    def term_scores(
        self, fieldname: str, text: bytes, found: postings.Postings, boost: float
    ) -> Scores:
        """BOOST times each posting's BM25 score (a term's whole posting list at a time)."""
        weighting = self.searcher.weighting
        if not self.searcher.schema[fieldname].scorable:
            return boost * found.weights.astype(np.float64)
        b = whoosh_internals.bm25_b(weighting, fieldname)
        k1 = weighting.K1
        parent = self.searcher.get_parent()
        idf = parent.idf(fieldname, text)
        average = parent.avg_field_length(fieldname) or 1
        norms = postings.bm25_norms(self.reader, self.key, fieldname, k1, b, average)
        tf = found.weights.astype(np.float64)  # Whoosh computes in doubles
        # whoosh.scoring.bm25, idf * tf * (k1 + 1) / (tf + norm), with the constants taken
        # together and in place: each pass over a long posting list counts.
        denominator = norms[found.docnums]
        denominator += tf
        tf *= boost * idf * (k1 + 1)
        tf /= denominator
        return tf


def _positions_field(schema: Any, fieldname: str) -> str | None:
    source = PHRASE_POSITIONS.get(fieldname, fieldname)
    if source not in schema:  # an index from before the twin field: the field itself
        source = fieldname
    return source if schema[source].format.supports("positions") else None


# -- what the page needs from the matches -------------------------------------------------


def top(matches: Matches, limit: int) -> list[tuple[float, int]]:
    """The best LIMIT (score, global docnum), ties to the earlier document, like Whoosh."""
    best: list[tuple[float, int]] = []
    for segment in matches.segments:
        docnums = np.flatnonzero(segment.matched)
        scores, docnums = _best(segment.scores[docnums], docnums, limit, later_first=False)
        best.extend(zip(scores.tolist(), (docnums + segment.offset).tolist(), strict=True))
    best.sort(key=lambda hit: (-hit[0], hit[1]))
    return best[:limit]


def top_by(matches: Matches, field: str, limit: int) -> list[tuple[float, int]]:
    """The LIMIT matches with the highest FIELD (newest first for a date).

    Ties go to the later document, as Whoosh's reverse sort has it: among the reviews of
    one supplier (one reputation), the last indexed comes first.
    """
    best: list[tuple[int, int, float]] = []
    for segment in matches.segments:
        docnums = np.flatnonzero(segment.matched)
        values = postings.numbers(segment.reader, segment.key, field)[docnums]
        values, docnums = _best(values, docnums, limit, later_first=True)
        global_docnums = (docnums + segment.offset).tolist()
        scores = segment.scores[docnums].tolist()
        best.extend(zip(values.tolist(), global_docnums, scores, strict=True))
    best.sort(key=lambda hit: (-hit[0], -hit[1]))
    return [(score, docnum) for _, docnum, score in best[:limit]]


def _best(
    keys: NDArray[Any], docnums: NDArray[Any], limit: int, *, later_first: bool
) -> tuple[NDArray[Any], Any]:
    """The LIMIT highest KEYS and their DOCNUMS (ascending), ties to the earlier docnum
    or, if LATER_FIRST, to the later."""
    if len(keys) <= limit:
        return keys, docnums
    cut = len(keys) - limit
    threshold = np.partition(keys, cut)[cut]
    above = np.flatnonzero(keys > threshold)
    tied = np.flatnonzero(keys == threshold)
    wanted = limit - len(above)
    tied = tied[len(tied) - wanted :] if later_first else tied[:wanted]
    keep = np.sort(np.concatenate([above, tied]))
    return keys[keep], docnums[keep]


def facet_counts(matches: Matches, fields: tuple[str, ...]) -> dict[str, Counter[str]]:
    """How many matches have each value of each facet field."""
    counts: dict[str, Counter[str]] = {field: Counter() for field in fields}
    for segment in matches.segments:
        docnums = np.flatnonzero(segment.matched)  # once: each field reads only these
        if not len(docnums):
            continue
        for field in fields:
            column = postings.codes(segment.reader, segment.key, field)
            tally = np.bincount(column.codes[docnums], minlength=len(column.values))
            present = np.flatnonzero(tally)
            for code, count in zip(present.tolist(), tally[present].tolist(), strict=True):
                counts[field][column.values[code]] += count
    return counts
