"""Search documents and query text, as pure data: frozen dataclasses in, plain values out.

Nothing here imports Flask, SQLAlchemy or Whoosh, so the shaping rules are unit-tested
without an app, and the benchmark can build the very same documents.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
"""Longer queries are cut here (with a notice): the search box's own limit."""

MAX_QUERY_WORDS = 12

RATING_BANDS: dict[str, str] = {
    "high": "Good (4–5)",
    "mid": "Mixed (3)",
    "low": "Poor (1–2)",
    "unrated": "Not yet rated",
}
DOC_TYPES = ("supplier", "review")


@dataclass(frozen=True)
class SupplierData:
    id: int
    slug: str
    name: str
    kind: str
    sector: str
    sector_name: str
    created_at: dt.datetime
    aliases: tuple[str, ...] = ()
    area: str | None = None
    domain: str | None = None
    description: str = ""
    average_rating: float | None = None
    reputation: float | None = None


@dataclass(frozen=True)
class ReviewData:
    id: int
    title: str
    body: str
    rating: int
    created_at: dt.datetime
    supplier: SupplierData
    assurance: str = "basic"  # the grade of vrm.reviews.assurance, a search facet


def doc_key(doc_type: str, doc_id: int) -> str:
    """The unique key of a document in the index."""
    return f"{doc_type}:{doc_id}"


def rating_band(rating: float | None) -> str:
    """The facet band of a star rating (a review's, or a supplier's average)."""
    if rating is None:
        return "unrated"
    if rating >= 3.5:
        return "high"
    if rating >= 2.5:
        return "mid"
    return "low"


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"(^|\s)[#>]+\s|[*_`~]+|^\s*[-+]\s", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """Markdown as a person reads it: link text kept, markup characters dropped."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown)
    text = _MARKDOWN_MARKS.sub(r"\1", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def sort_score(supplier: SupplierData) -> int:
    """The reputation sort key, in thousandths: the stored reputation score wins, and the
    average rating stands in until one exists."""
    score = supplier.reputation if supplier.reputation is not None else supplier.average_rating
    return round((score or 0.0) * 1000)


def _domain_words(domain: str | None) -> str:
    # "northernpower.co.uk" is found by itself and by "northernpower".
    if not domain:
        return ""
    return f"{domain} {re.sub(r'[.-]', ' ', domain)}"


def supplier_document(supplier: SupplierData) -> dict[str, object]:
    """The fields Whoosh indexes for one supplier."""
    words = [supplier.name, *supplier.aliases, supplier.description, supplier.sector_name]
    return {
        "key": doc_key("supplier", supplier.id),
        "doc_type": "supplier",
        "doc_id": supplier.id,
        "name": supplier.name,
        "aliases": "\n".join(supplier.aliases),
        "sector_text": supplier.sector_name,
        "area_text": supplier.area or "",
        "domain": _domain_words(supplier.domain),
        "description": supplier.description,
        "suggest": " ".join([supplier.name, *supplier.aliases]),
        "spell": "\n".join(w for w in [*words, supplier.area or ""] if w),
        "supplier_id": supplier.id,
        "supplier_slug": supplier.slug,
        "supplier_name": supplier.name,
        "kind": supplier.kind,
        "sector": supplier.sector,
        "area": supplier.area or "",
        "rating_band": rating_band(supplier.average_rating),
        "rating": supplier.average_rating if supplier.average_rating is not None else 0.0,
        "created_at": supplier.created_at,
        "reputation": sort_score(supplier),
    }


def review_document(review: ReviewData) -> dict[str, object]:
    """The fields Whoosh indexes for one review; its supplier's facets ride along."""
    supplier = review.supplier
    body = plain_text(review.body)
    return {
        "key": doc_key("review", review.id),
        "doc_type": "review",
        "doc_id": review.id,
        "title": review.title,
        "body": body,
        "body_positions": body,
        "supplier_text": supplier.name,
        "spell": f"{review.title}\n{body}",
        "supplier_id": supplier.id,
        "supplier_slug": supplier.slug,
        "supplier_name": supplier.name,
        "kind": supplier.kind,
        "sector": supplier.sector,
        "area": supplier.area or "",
        "rating_band": rating_band(review.rating),
        "assurance": review.assurance,
        "rating": float(review.rating),
        "created_at": review.created_at,
        "reputation": sort_score(supplier),
    }


@dataclass(frozen=True)
class CleanQuery:
    text: str
    truncated: bool


_OPERATOR_CHARS = re.compile(r"[*?~^:(){}\[\]<>+\\/!=&|]")
_BARE_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def clean_query(raw: str | None) -> CleanQuery:
    """Turn anything a person typed into plain words and balanced "phrases".

    Query syntax is not offered: field names, wildcards, boosts, ranges and boolean
    operators are read as words, so no input can produce a parser error or an
    expensive expansion. Overlong input is cut, and the caller says so.
    """
    text = (raw or "").replace("\x00", " ")
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    # Apostrophes stay ("Sainsbury's" as typed); the parser reads them as part of words.
    text = _OPERATOR_CHARS.sub(" ", text).replace("“", '"').replace("”", '"')
    if text.count('"') % 2:
        text = text.replace('"', " ")
    words = [w for w in text.split() if w.upper() not in _BARE_OPERATORS and w.strip('"-')]
    if len(words) > MAX_QUERY_WORDS:
        truncated = True
        words = words[:MAX_QUERY_WORDS]
    cleaned = " ".join(words)
    if cleaned.count('"') % 2:
        cleaned = cleaned.replace('"', "")
    return CleanQuery(text=cleaned.strip(), truncated=truncated)
