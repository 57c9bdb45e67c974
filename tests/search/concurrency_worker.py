"""A separate process posting reviews through the real app, for test_concurrency."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from vrm import create_app
from vrm.settings import Settings

WORD = "pangolin"


def settings(database_url: str, instance: Path, search_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="concurrency-test-secret",
        instance_path=instance,
        search_dir=search_dir,
        ratelimit_enabled=False,
        testing=True,
    )


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or "lock" in record.getMessage().lower():
            self.messages.append(record.getMessage())


def _post_one(app: Any, supplier_id: int, author_id: int) -> int:
    from vrm.db import get_db
    from vrm.members.models import Member
    from vrm.reviews.service import ReviewDraft, post_review
    from vrm.suppliers.models import Supplier

    with get_db(app).session_factory() as session:
        author = session.get(Member, author_id)
        supplier = session.get(Supplier, supplier_id)
        assert author is not None and supplier is not None
        draft = ReviewDraft(
            rating=1 + author_id % 5,
            title=f"Review by {author.handle}",
            body=f"The {WORD} line was busy for author {author_id}.",
            experienced_on=dt.date(2026, 1, 1),
        )
        review = post_review(session, author=author, supplier=supplier, draft=draft)
        session.commit()  # the outbox drains after this, racing the other processes
        return review.id


def post_reviews(
    database_url: str,
    instance: str,
    search_dir: str,
    supplier_id: int,
    author_ids: list[int],
    start: Any,
    results: Any,
) -> None:
    """Post one review per author, each in its own request-like transaction."""
    errors = _Errors()
    logging.getLogger("vrm").addHandler(errors)
    app = create_app(settings(database_url, Path(instance), Path(search_dir)))
    posted: list[int] = []
    start.wait()
    db_busy = 0
    with app.app_context():
        for author_id in author_ids:
            for _attempt in range(50):
                try:
                    posted.append(_post_one(app, supplier_id, author_id))
                    break
                except OperationalError as exc:
                    # SQLite refuses a read-then-write transaction while another process
                    # writes ("database is locked"); a person would press the button again.
                    # It is about the database, not the index, so retry it here.
                    if "locked" not in str(exc):
                        errors.messages.append(repr(exc))
                        break
                    db_busy += 1
                    time.sleep(0.05)
                except Exception as exc:
                    errors.messages.append(repr(exc))
                    break
    results.put((posted, errors.messages, db_busy))
