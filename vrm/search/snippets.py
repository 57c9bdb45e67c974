"""Highlighted titles and snippets of a page's hits, as (text, matched) pieces.

Whoosh finds where the words are; the pieces are escaped by whoever renders them
(present.py for the page, the API as plain strings), never by Whoosh.
"""

from __future__ import annotations

from typing import Any

from whoosh import highlight
from whoosh import searching as whoosh_searching

Segments = list[tuple[str, bool]]
"""A snippet as (text, matched) pieces."""

BODY_CHARS = 200
"""How much of a body is shown when none of the words were found in it."""


class SegmentFormatter(highlight.Formatter):
    """Snippets as (text, matched) pieces, so HTML is built from escaped text only."""

    def format_fragment(self, fragment: Any, replace: bool = False) -> Segments:
        pieces: Segments = []
        position, text = fragment.startchar, fragment.text
        located = [t for t in fragment.matches if t.startchar is not None]
        for token in sorted(located, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if token.startchar < position:  # overlaps one already marked
                continue
            if token.startchar > position:
                pieces.append((text[position : token.startchar], False))
            pieces.append((text[token.startchar : token.endchar], True))
            position = token.endchar
        pieces.append((text[position : fragment.endchar], False))
        return [(t, m) for t, m in pieces if t]

    def format(self, fragments: Any, replace: bool = False) -> list[Segments]:
        return [self.format_fragment(f) for f in fragments]


class Results(whoosh_searching.Results):
    """Whoosh's results, with the query's terms found in the index once per field.

    Whoosh's highlighter asks for them again for every hit and field it marks: each time
    a dictionary lookup per term and per segment (2 ms of a search at 100,000 reviews).
    They cannot change while the searcher is open.
    """

    def query_terms(self, expand: bool = False, fieldname: str | None = None) -> Any:
        known: dict[tuple[bool, str | None], frozenset[Any]]
        known = self.__dict__.setdefault("_parley_query_terms", {})
        if (expand, fieldname) not in known:
            found = super().query_terms(expand=expand, fieldname=fieldname)
            known[expand, fieldname] = frozenset(found)
        return known[expand, fieldname]


def prepare(results: Any) -> None:
    """Set the fragmenter and formatter every hit of RESULTS is highlighted with."""
    results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    results.formatter = SegmentFormatter()


def of_hit(hit: Any) -> tuple[Segments, list[Segments]]:
    """The hit's title with its matched words marked, and up to two body snippets."""
    title_field = "name" if hit["doc_type"] == "supplier" else "title"
    title = hit.get(title_field) or ""
    whole = highlight.Highlighter(
        fragmenter=highlight.WholeFragmenter(), formatter=SegmentFormatter()
    )
    title_segments = whole.highlight_hit(hit, title_field, top=1, minscore=0) or [[(title, False)]]
    body_field = "description" if hit["doc_type"] == "supplier" else "body"
    body = hit.get(body_field) or ""
    snippets = hit.highlights(body_field, top=2) if body else []
    if not snippets and body:
        shown = body[:BODY_CHARS] + ("…" if len(body) > BODY_CHARS else "")
        snippets = [[(shown, False)]]
    return title_segments[0], snippets
