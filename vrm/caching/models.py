"""The content version: one counter that every write to public data advances."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import Base, UTCDateTime


class ContentVersion(Base):
    """A single row (id 1). Cached pages and ETags carry its value, so a commit that
    changes public data makes every earlier rendering stale at once, on every host."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # Last-Modified

    def __repr__(self) -> str:
        return f"<ContentVersion {self.version}>"
