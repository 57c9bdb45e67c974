"""The clause library, members' terms and their frozen versions, and what suppliers agreed.

Published things never change: ClauseVersion and TermsVersion rows have no update path in
the services, and an Agreement names the exact version (and its hash) it accepted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk
from vrm.db import created_at as timestamp  # where a class's own created_at hides the alias
from vrm.members.models import Member
from vrm.suppliers.models import Supplier

TERMS_STATUSES = ("draft", "published", "withdrawn")
PROFFER_STATUSES = ("pending", "accepted", "declined", "superseded", "withdrawn")


class Clause(Base):
    """A library clause, known by a stable identifier such as ``parley:no-stalking``."""

    __tablename__ = "terms_clause"

    id: Mapped[intpk]
    identifier: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    versions: Mapped[list[ClauseVersion]] = relationship(
        back_populates="clause", order_by="ClauseVersion.version"
    )

    @property
    def latest(self) -> ClauseVersion:
        return self.versions[-1]

    def __repr__(self) -> str:
        return f"<Clause {self.identifier}>"


class ClauseVersion(Base):
    """One published wording of a clause. Never changed once written."""

    __tablename__ = "terms_clause_version"
    __table_args__ = (sa.UniqueConstraint("clause_id", "version"),)

    id: Mapped[intpk]
    clause_id: Mapped[int] = mapped_column(sa.ForeignKey("terms_clause.id"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(40))
    # {name: {"type": "int"|"enum"|"multi-enum", "label", "min", "max", "unit", "choices",
    #  "default"}} — see vrm.terms.parameters.
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    standard: Mapped[str | None] = mapped_column(sa.String(300))
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    published_at: Mapped[created_at]

    clause: Mapped[Clause] = relationship(back_populates="versions")

    @property
    def identifier(self) -> str:
        return self.clause.identifier

    def __repr__(self) -> str:
        return f"<ClauseVersion {self.clause_id} v{self.version}>"


class Terms(Base):
    """A member's terms: the editable draft, and the status of what they published."""

    __tablename__ = "terms"
    __table_args__ = (sa.CheckConstraint(f"status IN {TERMS_STATUSES!r}", name="status_known"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    # The draft: {"clauses": [{"clause", "version", "parameters"}], "text": "..."}.
    draft: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[created_at]
    updated_at: Mapped[timestamp]

    member: Mapped[Member] = relationship()
    versions: Mapped[list[TermsVersion]] = relationship(
        back_populates="terms", order_by="TermsVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> TermsVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def current(self) -> TermsVersion | None:
        """The version in force: the newest, unless the member withdrew their terms."""
        return self.latest if self.status == "published" else None

    def __repr__(self) -> str:
        return f"<Terms member={self.member_id} {self.status}>"


class TermsVersion(Base):
    """A published, frozen version, identified by the SHA-256 of its canonical JSON."""

    __tablename__ = "terms_version"
    __table_args__ = (sa.UniqueConstraint("terms_id", "number"),)

    id: Mapped[intpk]
    terms_id: Mapped[int] = mapped_column(sa.ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # The exact RFC 8785 bytes that were hashed, served as they are.
    canonical: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[created_at]

    terms: Mapped[Terms] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return f"<TermsVersion {self.terms_id} v{self.number} {self.sha256[:12]}>"


class Proffer(Base):
    """A member offered one terms version to a supplier; a representative decides."""

    __tablename__ = "terms_proffer"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {PROFFER_STATUSES!r}", name="status_known"),
        sa.UniqueConstraint("supplier_id", "terms_version_id"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    terms_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("terms_version.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[created_at]
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    supplier: Mapped[Supplier] = relationship()
    terms_version: Mapped[TermsVersion] = relationship()

    def __repr__(self) -> str:
        return f"<Proffer {self.id} {self.status}>"


class Agreement(Base):
    """A supplier accepted a member's exact terms version; the signed receipt proves it."""

    __tablename__ = "terms_agreement"
    __table_args__ = (sa.UniqueConstraint("supplier_id", "terms_version_id"), NEVER_REUSED_IDS)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    terms_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("terms_version.id", ondelete="CASCADE"), index=True
    )
    proffer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terms_proffer.id", ondelete="SET NULL")
    )
    sha256: Mapped[str] = mapped_column(sa.String(64))
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    accepted_at: Mapped[created_at]
    receipt_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    receipt_jws: Mapped[str] = mapped_column(sa.Text)
    # The clause identifiers accepted; None: the whole version (a representative's
    # acceptance). Parley accepts only the clauses it honours (vrm.terms.parley).
    clauses: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))
    # {clause identifier (or "text" for the free text): the reason it was declined}.
    declined: Mapped[dict[str, str] | None] = mapped_column(sa.JSON(none_as_null=True))

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    supplier: Mapped[Supplier] = relationship()
    terms_version: Mapped[TermsVersion] = relationship()
    accepted_by: Mapped[Member | None] = relationship(foreign_keys=[accepted_by_id])

    def __repr__(self) -> str:
        return f"<Agreement {self.id} supplier={self.supplier_id}>"


class StandingAcceptance(Base):
    """A supplier accepts one library clause version from every member."""

    __tablename__ = "terms_standing"
    __table_args__ = (sa.UniqueConstraint("supplier_id", "clause_version_id"), NEVER_REUSED_IDS)

    id: Mapped[intpk]
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    clause_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("terms_clause_version.id"), index=True
    )
    declared_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    supplier: Mapped[Supplier] = relationship()
    clause_version: Mapped[ClauseVersion] = relationship()


class TermsReport(Base):
    """The member's account that a supplier kept or broke one clause of an agreement,
    and the supplier's one public answer."""

    __tablename__ = "terms_report"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[intpk]
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("terms_agreement.id", ondelete="CASCADE"), index=True
    )
    # Denormalised so the public tallies need no join through the private agreement.
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    clause: Mapped[str] = mapped_column(sa.String(80))
    kept: Mapped[bool]
    account: Mapped[str] = mapped_column(sa.String(2000))
    created_at: Mapped[created_at]
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answer_html: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    answered_at: Mapped[dt.datetime | None]

    agreement: Mapped[Agreement] = relationship()


class SigningKey(Base):
    """Parley's receipt signing keys, shared by every worker. Never deleted, so old
    receipts keep verifying; only the newest active key signs."""

    __tablename__ = "terms_signing_key"

    id: Mapped[intpk]
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    private_jwk: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]


class ClauseTally(Base):
    """Per supplier, what members asked it (one row per clause asked): kept on write by
    vrm.terms.tally so a page reads these rows instead of every member's proffer."""

    __tablename__ = "terms_clause_tally"

    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True
    )
    clause: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    proffered: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    declined: Mapped[int] = mapped_column(default=0)
    waiting: Mapped[int] = mapped_column(default=0)


class ClauseTallyLock(Base):
    """One row per supplier whose tally exists: refreshing it locks this row first, so
    two writers for one supplier count one after the other (the second sees the
    first's proffers), and a supplier asked nothing yet still has a row to lock."""

    __tablename__ = "terms_clause_tally_lock"

    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True
    )
    refreshed_at: Mapped[dt.datetime | None]
