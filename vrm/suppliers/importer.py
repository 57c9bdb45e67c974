"""Loading the register of UK local authorities into the directory, idempotently.

Councils are upserted by ``register_key`` ("la:<code>"), so a second run changes nothing.
Current councils are public services in "council-services" with an area under their
region and nation; abolished ones are imported too, with ``ended_on`` and ``replaced_by``
resolved in a second pass (the register may name a successor further down the file).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vrm import signals
from vrm.activity.service import record
from vrm.suppliers import naming
from vrm.suppliers.models import Area, Supplier, SupplierAlias
from vrm.suppliers.register import (
    CouncilRow,
    ParsedRegister,
    RegisterUnreadable,
    RowProblem,
    read_register,
)
from vrm.suppliers.service import taken_slugs, unique_slug

log = logging.getLogger(__name__)

__all__ = ["ImportReport", "RegisterUnreadable", "import_register"]


@dataclasses.dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    current: int = 0
    abolished: int = 0
    rejected: list[RowProblem] = dataclasses.field(default_factory=list)
    warnings: list[RowProblem] = dataclasses.field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as a person reads it."""
        out = [
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged "
            f"({self.current} current councils, {self.abolished} abolished).",
        ]
        if self.rejected:
            out.append(f"{len(self.rejected)} rows rejected:")
            out += [f"  {problem}" for problem in self.rejected]
        if self.warnings:
            out.append(f"{len(self.warnings)} warnings:")
            out += [f"  {problem}" for problem in self.warnings]
        return out


class _Areas:
    """Areas by code, created on first need and renamed if the register renamed them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_code = {area.code: area for area in session.scalars(select(Area))}

    def get(self, code: str, name: str, kind: str, parent: Area | None) -> Area:
        area = self.by_code.get(code)
        if area is None:
            area = Area(code=code, name=name, kind=kind, parent=parent)
            self.session.add(area)
            self.by_code[code] = area
        elif (area.name, area.kind) != (name, kind) or area.parent is not parent:
            area.name, area.kind, area.parent = name, kind, parent
        return area

    def for_council(self, row: CouncilRow) -> Area:
        nation = self.get(f"nation:{naming.slugify(row.nation)}", row.nation, "nation", None)
        parent = nation
        if row.region and row.region != row.nation:
            parent = self.get(f"region:{naming.slugify(row.region)}", row.region, "region", nation)
        code = row.gss_code or f"la:{row.code}"
        return self.get(code, row.short_name, "local_authority", parent)


def import_register(
    session: Session,
    rows_or_path: str | Path | bytes | Iterable[str] | ParsedRegister,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert every council of the register; ``progress(1)`` is called per row.

    Raises RegisterUnreadable when the source cannot be read as the register at all.
    """
    parsed = (
        rows_or_path if isinstance(rows_or_path, ParsedRegister) else read_register(rows_or_path)
    )
    report = ImportReport(rejected=list(parsed.rejected), warnings=list(parsed.warnings))
    areas = _Areas(session)
    existing = {
        supplier.register_key: supplier
        for supplier in session.scalars(
            select(Supplier)
            .where(Supplier.register_key.like("la:%"))
            .options(selectinload(Supplier.aliases))
        )
    }
    outcome: dict[str, str] = {}
    taken = taken_slugs(session)
    for row in parsed.rows:
        area = areas.for_council(row)
        supplier = existing.get(row.register_key)
        if supplier is None:
            supplier = _create(session, row, area, taken)
            existing[row.register_key] = supplier
            outcome[row.register_key] = "created"
        else:
            outcome[row.register_key] = "updated" if _update(supplier, row, area) else "unchanged"
        if progress:
            progress(1)
    session.flush()
    for row in parsed.rows:  # second pass: successors may come later in the file
        supplier = existing[row.register_key]
        successor = existing.get(f"la:{row.replaced_by[0]}") if row.replaced_by else None
        for code in row.replaced_by:
            if f"la:{code}" not in existing:
                report.warnings.append(
                    RowProblem(row.line, f"replaced-by {code} is not in the register")
                )
        if supplier.replaced_by_id != (successor.id if successor else None):
            supplier.replaced_by = successor
            if outcome[row.register_key] == "unchanged":
                outcome[row.register_key] = "updated"
    session.flush()
    for row in parsed.rows:
        _announce(session, existing[row.register_key], outcome[row.register_key])
        setattr(report, outcome[row.register_key], getattr(report, outcome[row.register_key]) + 1)
        if row.ended_on:
            report.abolished += 1
        else:
            report.current += 1
    log.info("register import: %s", report.lines()[0])
    return report


def _create(session: Session, row: CouncilRow, area: Area, taken: set[str]) -> Supplier:
    supplier = Supplier(
        slug=unique_slug(session, row.name, area, taken=taken),
        name=row.name,
        kind="public_service",
        sector="council-services",
        description=row.description,
        register_key=row.register_key,
        ended_on=row.ended_on,
        area=area,
        aliases=[SupplierAlias(name=alias) for alias in row.aliases],
    )
    session.add(supplier)
    return supplier


def _update(supplier: Supplier, row: CouncilRow, area: Area) -> bool:
    """Bring a supplier in line with its row; True if anything changed."""
    wanted = {"name": row.name, "description": row.description, "ended_on": row.ended_on}
    changed = False
    for attribute, value in wanted.items():
        if getattr(supplier, attribute) != value:
            setattr(supplier, attribute, value)
            changed = True
    if supplier.area is not area:
        supplier.area = area
        changed = True
    # Remove and add only the differences: re-adding a kept alias would break its
    # unique index, because the unit of work inserts before it deletes.
    have = {alias.name for alias in supplier.aliases}
    for alias in [a for a in supplier.aliases if a.name not in row.aliases]:
        supplier.aliases.remove(alias)
        changed = True
    for name in row.aliases:
        if name not in have:
            supplier.aliases.append(SupplierAlias(name=name))
            changed = True
    return changed


def _announce(session: Session, supplier: Supplier, outcome: str) -> None:
    if outcome == "unchanged":
        return
    # A kind of its own, so public feeds can leave out hundreds of imported councils.
    record(session, "supplier.imported", supplier_id=supplier.id, outcome=outcome)
    if outcome == "created":
        signals.supplier_created.send(supplier, session=session, actor=None)
    else:
        signals.supplier_changed.send(supplier, session=session)
