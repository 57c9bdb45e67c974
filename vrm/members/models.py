"""A member and the identities (issuer, subject) that vouch for them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk

ROLES = ("member", "moderator")


class Member(UserMixin, Base):
    __tablename__ = "member"
    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    handle: Mapped[str] = mapped_column(sa.String(30), unique=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="member")
    # No email: Parley sends none, so it keeps none (identities come from providers).
    created_at: Mapped[created_at]
    # Part of every session cookie; signing out counts it up, so a copy of a cookie
    # taken before (the session lives in the signed cookie) no longer signs anyone in.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    identities: Mapped[list[Identity]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="Identity.id"
    )

    def get_id(self) -> str:
        return f"{self.id}.{self.session_generation}"

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"

    def __repr__(self) -> str:
        return f"<Member {self.id} @{self.handle}>"


class Identity(Base):
    """An (issuer, subject) pair: the only thing Parley needs to recognise a person."""

    __tablename__ = "identity"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject", name="uq_identity_issuer_subject"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]

    member: Mapped[Member] = relationship(back_populates="identities")

    def __repr__(self) -> str:
        return f"<Identity {self.issuer} {self.subject}>"


class RetiredHandle(Base):
    """A handle whose member erased their account, so nobody else can take it.

    Only an HMAC under a server secret kept outside the database is stored
    (members.service.handle_digest): enough to refuse the handle, not a list of erased
    names, and a copy of the database alone cannot be turned back into them by trying
    likely handles. Digests from before the HMAC are plain SHA-256, still refused."""

    __tablename__ = "retired_handle"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    retired_at: Mapped[created_at]
