"""schema.org data for the pages people share: a supplier is an Organization (a public
service a GovernmentOrganization) with its AggregateRating, a review a Review.

Pure: plain values in, JSON-LD dictionaries out; the templates place them in a
``<script type="application/ld+json">`` through ``json_ld``. The rating is the plain
average of the counted ratings, which is what schema.org's AggregateRating means (the
Dirichlet score on the page is a different, more careful figure).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

CONTEXT = "https://schema.org"
DESCRIPTION_CHARS = 160
"""About what search engines show of a meta description."""


def organization(
    *,
    name: str,
    url: str,
    government: bool,
    description: str | None = None,
    area: str | None = None,
    level_counts: Sequence[int] = (),
) -> dict[str, Any]:
    """A supplier; LEVEL_COUNTS are how many counted ratings gave 1, 2, ... 5 stars."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "GovernmentOrganization" if government else "Organization",
        "name": name,
        "url": url,
    }
    if description:
        data["description"] = summary(description)
    if area:
        data["areaServed"] = area
    rating = aggregate_rating(level_counts)
    if rating:
        data["aggregateRating"] = rating
    return data


def aggregate_rating(level_counts: Sequence[int]) -> dict[str, Any] | None:
    """The average of the ratings counted, or None when there are none."""
    count = sum(level_counts)
    if count <= 0:
        return None
    mean = sum(level * n for level, n in enumerate(level_counts, start=1)) / count
    return {
        "@type": "AggregateRating",
        "ratingValue": round(mean, 2),
        "ratingCount": count,
        "bestRating": 5,
        "worstRating": 1,
    }


def review(
    *,
    title: str,
    body: str,
    rating: int,
    author: str,
    published: dt.datetime,
    url: str,
    item: dict[str, Any],
) -> dict[str, Any]:
    """A public review of ITEM (an organization() without its own rating)."""
    reviewed = {k: v for k, v in item.items() if k not in ("@context", "aggregateRating")}
    return {
        "@context": CONTEXT,
        "@type": "Review",
        "name": title,
        "reviewBody": body,
        "url": url,
        "datePublished": published.date().isoformat(),
        "author": {"@type": "Person", "name": author},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": reviewed,
    }


def summary(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """TEXT on one line, cut at a word before LIMIT characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if flat[limit - 1] != " ":  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",.;: ") + "…"


def json_ld(data: dict[str, Any]) -> Markup:
    """DATA as a script element's text: no "</script>" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Safe: the JSON holds no "<", ">" or "&" any more, so nothing in it is markup.
    return Markup(f'<script type="application/ld+json">{text}</script>')  # noqa: S704
