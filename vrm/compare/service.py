"""Which suppliers to compare, and their figures side by side.

Every figure comes from the stored aggregates (reputation.queries.supplier_reputation
and terms.queries.proffer_counts): a comparison costs a fixed number of queries per
supplier, at most four suppliers, however many reviews they have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vrm.compare.charts import LinesChart, comparison_chart
from vrm.errors import DomainError, NotFound
from vrm.reputation.queries import SupplierReputation, supplier_reputation
from vrm.suppliers.models import Supplier
from vrm.suppliers.queries import find_public_by_slug
from vrm.terms.queries import proffer_counts

FEWEST, MOST = 2, 4


@dataclass(frozen=True)
class Compared:
    supplier: Supplier
    reputation: SupplierReputation
    terms: dict[str, int]  # accepted, declined, pending, standing


@dataclass(frozen=True)
class Comparison:
    items: list[Compared]
    months: list[dt.date]
    chart: LinesChart


def requested(values: Sequence[str]) -> list[str]:
    """The suppliers asked for (slugs, addresses or names), in order, each once.

    Raises DomainError (400) unless there are two to four."""
    seen: list[str] = []
    for value in values:
        wanted = value.strip().strip("/").rsplit("/", 1)[-1].strip()[:200]
        if wanted and wanted.lower() not in (s.lower() for s in seen):
            seen.append(wanted)
    if not FEWEST <= len(seen) <= MOST:
        raise DomainError(
            f"Choose between {FEWEST} and {MOST} suppliers to compare; "
            f"{'none was' if not seen else f'{len(seen)} were'} given.",
            hint="Tick two to four in the league table or in search results, or type "
            "their addresses below.",
            field="s",
        )
    return seen


def find(session: Session, wanted: list[str]) -> list[Supplier]:
    """Public suppliers by slug (an old one too: the one lookup, find_public_by_slug), or
    failing that by exact name (any case), in order."""
    by_slug = {
        s.slug: s
        for s in session.scalars(
            select(Supplier).where(Supplier.slug.in_(wanted), Supplier.is_public)
        )
    }
    missing = [w for w in wanted if w not in by_slug]
    by_name = {
        s.name.lower(): s
        for s in session.scalars(
            select(Supplier).where(
                func.lower(Supplier.name).in_([m.lower() for m in missing]), Supplier.is_public
            )
        )
    } if missing else {}  # fmt: skip
    found = []
    for w in wanted:
        supplier = by_slug.get(w) or find_public_by_slug(session, w) or by_name.get(w.lower())
        if supplier is None:
            raise NotFound(
                f"No supplier or public service in Parley is called “{w}”.",
                hint="Use the address of its page (the part after /s/) or its exact name.",
            )
        if supplier not in found:
            found.append(supplier)
    if len(found) < FEWEST:
        raise DomainError("Choose at least two different suppliers to compare.", field="s")
    return found


def compare(session: Session, values: Sequence[str]) -> Comparison:
    suppliers = find(session, requested(values))
    terms = proffer_counts(session, [s.id for s in suppliers])
    items = [Compared(s, supplier_reputation(session, s), terms[s.id]) for s in suppliers]
    months = [p.month for p in items[0].reputation.months]
    chart = comparison_chart(
        months, [(c.supplier.name, [p.mean for p in c.reputation.months]) for c in items]
    )
    return Comparison(items=items, months=months, chart=chart)
