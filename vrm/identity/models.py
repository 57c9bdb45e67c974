"""What Parley remembers about OpenID providers it registered itself with."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import Base, created_at, intpk


class ClientRegistration(Base):
    """Parley's dynamic client registration at one issuer, reused for every sign-in there."""

    __tablename__ = "client_registration"

    id: Mapped[intpk]
    issuer: Mapped[str] = mapped_column(sa.String(500), unique=True)
    client_id: Mapped[str] = mapped_column(sa.String(255))
    client_secret: Mapped[str | None] = mapped_column(sa.String(500))
    token_endpoint_auth_method: Mapped[str] = mapped_column(sa.String(40))
    redirect_uri: Mapped[str] = mapped_column(sa.String(500))
    secret_expires_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    def usable_for(self, redirect_uri: str, at: dt.datetime) -> bool:
        """A registration is reused while it names our callback and its secret lives."""
        expired = self.secret_expires_at is not None and self.secret_expires_at <= at
        return self.redirect_uri == redirect_uri and not expired

    def __repr__(self) -> str:
        return f"<ClientRegistration {self.issuer} {self.client_id}>"
