"""The rules of the directory: adding a supplier, spotting duplicates, merging, removing,
and finding a public supplier by any slug it ever had.

Nothing is ever hard-deleted: a merged supplier keeps its row (``merged_into_id``) and
its old slug redirects; a removed one keeps its row with a visibility and a reason.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.db import is_id
from vrm.errors import Conflict, DomainError, NotFound
from vrm.members.models import ROLES, Member
from vrm.members.policies import require_moderator
from vrm.suppliers import naming
from vrm.suppliers.models import (
    Area,
    Supplier,
    SupplierAlias,
    SupplierSlugRedirect,
)
from vrm.suppliers.sectors import KINDS, SECTORS

log = logging.getLogger(__name__)

NAME_MIN, NAME_MAX = 2, 200
DESCRIPTION_MAX = 5000
ALIASES_MAX = 20
REASON_MIN, REASON_MAX = 5, 500


class SupplierError(DomainError):
    title = "Check the supplier's details"


@dataclasses.dataclass(frozen=True)
class MergeResult:
    moved_review_ids: list[int]
    # Reviews whose author already has a live review of the target: the one-live-review
    # index forbids two on one supplier, so these stay (live, by permalink) on the source.
    kept_review_ids: list[int]


def clean_name(raw: str | None, field: str = "name") -> str:
    name = re.sub(r"\s+", " ", raw or "").strip()
    if len(name) < NAME_MIN:
        raise SupplierError("Give the supplier's name (at least 2 characters).", field=field)
    if len(name) > NAME_MAX:
        raise SupplierError(f"Keep the name under {NAME_MAX} characters.", field=field)
    if not any(character.isalnum() for character in name):
        raise SupplierError("A name needs letters or digits.", field=field)
    return name


def clean_domain(raw: str | None, *, allow_loopback: bool = False) -> str | None:
    try:
        return naming.normalise_domain(raw, allow_loopback=allow_loopback)
    except ValueError as exc:
        raise SupplierError(str(exc), field="website_domain") from exc


def slug_taken(session: Session, slug: str) -> bool:
    return bool(
        session.scalar(select(exists().where(Supplier.slug == slug)))
        or session.scalar(select(exists().where(SupplierSlugRedirect.old_slug == slug)))
    )


def taken_slugs(session: Session) -> set[str]:
    """Every slug in use, for bulk imports that check many names at once."""
    return set(session.scalars(select(Supplier.slug))) | set(
        session.scalars(select(SupplierSlugRedirect.old_slug))
    )


def unique_slug(
    session: Session, name: str, area: Area | None = None, *, taken: set[str] | None = None
) -> str:
    """The name's slug; on a clash the area's name is appended, then -2, -3…

    With ``taken`` (from taken_slugs) the check is in memory and the chosen slug is added.
    """

    def free(slug: str) -> bool:
        return slug not in taken if taken is not None else not slug_taken(session, slug)

    slug = base = naming.slugify(name)
    if not free(base) and area is not None:
        slug = naming.slugify(f"{base} {area.name}")
    number = 2
    while not free(slug):
        slug = f"{base}-{number}"
        number += 1
    if taken is not None:
        taken.add(slug)
    return slug


def clean_aliases(aliases: Iterable[str], name: str) -> list[str]:
    """Distinct, tidy aliases, without the name itself."""
    seen = {name.casefold()}
    kept = []
    for raw in aliases:
        alias = re.sub(r"\s+", " ", raw or "").strip()
        if not alias or alias.casefold() in seen:
            continue
        if len(alias) > NAME_MAX:
            raise SupplierError(
                f"Keep each other name under {NAME_MAX} characters.", field="aliases"
            )
        seen.add(alias.casefold())
        kept.append(alias)
    if len(kept) > ALIASES_MAX:
        raise SupplierError(f"Give at most {ALIASES_MAX} other names.", field="aliases")
    return kept


def create_supplier(
    session: Session,
    *,
    actor: Member | None,
    name: str,
    kind: str,
    sector: str,
    website_domain: str | None = None,
    description: str = "",
    area_id: int | None = None,
    parent_id: int | None = None,
    aliases: Iterable[str] = (),
    allow_loopback: bool = False,
    register_key: str | None = None,
) -> Supplier:
    """Add a supplier to the directory. ``actor`` is None for imports and demo data."""
    name = clean_name(name)
    if kind not in KINDS:
        raise SupplierError("Choose whether this is a business or a public service.", field="kind")
    if sector not in SECTORS:
        raise SupplierError("Choose a sector from the list.", field="sector")
    domain = clean_domain(website_domain, allow_loopback=allow_loopback)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise SupplierError(
            f"Keep the description under {DESCRIPTION_MAX} characters.", field="description"
        )
    area = session.get(Area, area_id) if is_id(area_id) else None
    if area_id is not None and area is None:
        raise SupplierError("Choose an area from the list.", field="area")
    parent = session.get(Supplier, parent_id) if is_id(parent_id) else None
    if parent_id is not None and (parent is None or not parent.is_public):
        raise SupplierError("The organisation it belongs to is not in Parley.", field="parent")
    if actor is not None:  # the register importer matches by its own key
        _refuse_same(session, name, domain, area)
    supplier = Supplier(
        slug=unique_slug(session, name, area),
        name=name,
        kind=kind,
        sector=sector,
        website_domain=domain,
        description=description,
        area=area,
        parent=parent,
        register_key=register_key,
        created_by_id=actor.id if actor else None,
    )
    supplier.aliases = [SupplierAlias(name=alias) for alias in clean_aliases(aliases, name)]
    session.add(supplier)
    session.flush()
    record(
        session,
        "supplier.created",
        actor_id=actor.id if actor else None,
        supplier_id=supplier.id,
        name=supplier.name,
    )
    signals.supplier_created.send(supplier, session=session, actor=actor)
    log.info("supplier %s created by %s", supplier.slug, actor.id if actor else "system")
    return supplier


def _refuse_same(session: Session, name: str, domain: str | None, area: Area | None) -> None:
    """One entry per organisation: the same name at the same website (or, with no
    website, in the same area) is the one already listed, whatever the form confirmed."""
    key = naming.normalise_name(name)
    same_place = (
        Supplier.website_domain == domain
        if domain
        else and_(
            Supplier.website_domain.is_(None), Supplier.area_id == (area.id if area else None)
        )
    )
    candidates = session.scalars(select(Supplier).where(same_place, Supplier.is_public))
    for existing in candidates:
        if naming.normalise_name(existing.name) == key:
            raise SupplierError(
                f"{existing.name} is already in Parley (/s/{existing.slug}): review it there.",
                field="name",
            )


def likely_duplicates(
    session: Session, name: str, domain: str | None, *, limit: int = 8
) -> list[Supplier]:
    """Public suppliers that may be the one meant: same domain, or a similar name or alias."""
    scores: dict[int, float] = {}
    try:
        host = naming.normalise_domain(domain, allow_loopback=True)
    except ValueError:
        host = None
    if host:
        for supplier_id in session.scalars(
            select(Supplier.id).where(Supplier.website_domain == host, Supplier.is_public)
        ):
            scores[supplier_id] = 2.0
    wanted = naming.normalise_name(name or "")
    if wanted:
        names = session.execute(select(Supplier.id, Supplier.name).where(Supplier.is_public))
        alias_names = session.execute(
            select(SupplierAlias.supplier_id, SupplierAlias.name)
            .join(Supplier, Supplier.id == SupplierAlias.supplier_id)
            .where(Supplier.is_public)
        )
        for supplier_id, candidate in [*names, *alias_names]:
            score = naming.name_similarity(wanted, naming.normalise_name(candidate))
            if score >= naming.SIMILARITY_THRESHOLD and score > scores.get(supplier_id, 0):
                scores[supplier_id] = score
    best = sorted(scores, key=lambda supplier_id: -scores[supplier_id])[:limit]
    found = {s.id: s for s in session.scalars(select(Supplier).where(Supplier.id.in_(best)))}
    return [found[supplier_id] for supplier_id in best]


def _require_moderator(member: Member | None) -> Member:
    return require_moderator(member, "Only moderators can merge or remove suppliers.")


def merge_suppliers(
    session: Session, *, moderator: Member, source: Supplier, target: Supplier
) -> MergeResult:
    """Fold ``source`` into ``target``: reviews, watches and children move; the source
    keeps its row, its names become the target's aliases, and its slug redirects.

    Representatives' claims stay on the supplier they proved: someone who proved they
    speak for the source has not proved anything about the target, and must not answer
    its reviews, read its proffers or download its receipts."""
    _require_moderator(moderator)
    if source.id == target.id:
        raise SupplierError("Choose a different supplier to merge into.", field="target")
    if not source.is_public:
        raise Conflict("This supplier was already merged or removed.")
    if not target.is_public:
        raise SupplierError("That supplier was merged or removed; choose another.", field="target")
    # Each feature moves its own rows (reviews and their flags: vrm/reviews/handlers.py).
    moved: list[int] = []
    for _handler, review_ids in signals.supplier_merging.send(source, session=session, into=target):
        moved += review_ids or []
    kept: list[int] = []  # none since reviews from a merge may sit beside the author's own
    _move_links(session, source, target)
    known = {target.name.casefold(), *(alias.name.casefold() for alias in target.aliases)}
    for alias in [source.name, *(a.name for a in source.aliases)]:
        if alias.casefold() not in known:
            known.add(alias.casefold())
            target.aliases.append(SupplierAlias(name=alias))
    source.merged_into = target
    session.add(SupplierSlugRedirect(old_slug=source.slug, supplier_id=target.id))
    session.flush()
    record(
        session,
        "supplier.merged",
        actor_id=moderator.id,
        supplier_id=target.id,
        source_id=source.id,
        source_slug=source.slug,
        moved_review_ids=moved,
        kept_review_ids=kept,
    )
    signals.supplier_merged.send(source, session=session, into=target, moved_review_ids=moved)
    signals.supplier_changed.send(target, session=session)
    log.info("moderator %s merged %s into %s", moderator.id, source.slug, target.slug)
    return MergeResult(moved_review_ids=moved, kept_review_ids=kept)


def _move_links(session: Session, source: Supplier, target: Supplier) -> None:
    """Repoint the directory's own rows that name the source (the other features' rows
    move in their supplier_merging and supplier_merged handlers)."""
    moves = [
        (Supplier, Supplier.parent_id),
        (Supplier, Supplier.replaced_by_id),
        (SupplierSlugRedirect, SupplierSlugRedirect.supplier_id),
    ]
    for model, column in moves:
        session.execute(
            update(model)
            .where(column == source.id)
            .values({column.key: target.id})
            .execution_options(synchronize_session="fetch")
        )
    session.expire(target)


def remove_supplier(
    session: Session, *, moderator: Member, supplier: Supplier, reason: str
) -> None:
    """Take a supplier off the public pages, keeping the row, who did it and why."""
    _require_moderator(moderator)
    reason = re.sub(r"\s+", " ", reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise SupplierError(
            f"Give a reason of {REASON_MIN} to {REASON_MAX} characters; it is shown publicly.",
            field="reason",
        )
    if supplier.visibility == "removed":
        raise Conflict("This supplier was already removed.")
    supplier.visibility = "removed"
    supplier.visibility_reason = reason
    session.flush()
    record(
        session, "supplier.removed", actor_id=moderator.id, supplier_id=supplier.id, reason=reason
    )
    signals.supplier_changed.send(supplier, session=session)
    log.info("moderator %s removed supplier %s", moderator.id, supplier.slug)


def set_member_role(session: Session, *, handle: str, role: str) -> Member:
    """Make a member a moderator or a plain member again (the operator's CLI)."""
    if role not in ROLES:
        raise DomainError(f"The role must be one of: {', '.join(ROLES)}.")
    member = session.scalar(select(Member).where(Member.handle == handle.strip().lower()))
    if member is None:
        raise NotFound(f"There is no member with the handle {handle!r}.")
    previous, member.role = member.role, role
    session.flush()
    record(session, "member.role_changed", actor_id=None, member_id=member.id, role=role)
    log.info("member %s role %s → %s", member.id, previous, role)
    return member
