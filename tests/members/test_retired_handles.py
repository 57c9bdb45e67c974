"""What erasure leaves to refuse an old handle is an HMAC under a secret outside the
database, and SQLite overwrites what it deletes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from alembic import command
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.representatives import factories as make
from vrm.db import get_db
from vrm.members.models import RetiredHandle
from vrm.members.service import erase_member, handle_digest, handle_taken
from vrm.schema import alembic_config


def test_a_retired_handle_is_an_hmac_not_a_plain_hash(app: Flask, db_session: Session) -> None:
    with app.app_context():
        erase_member(db_session, make.member(db_session, "leaving"))
        db_session.flush()
        [digest] = db_session.scalars(select(RetiredHandle.digest))
        assert digest == handle_digest("leaving")
        assert digest != hashlib.sha256(b"leaving").hexdigest()  # guessing handles fails
        assert handle_digest("leaving", key="another key") != digest
        assert handle_taken(db_session, "leaving") and not handle_taken(db_session, "staying")
        # A digest from before the HMAC still keeps its handle from being taken.
        db_session.add(RetiredHandle(digest=hashlib.sha256(b"oldtimer").hexdigest()))
        db_session.flush()
        assert handle_taken(db_session, "oldtimer")


def test_sqlite_overwrites_deleted_rows_on_every_connection(
    build_app: Callable[..., Flask], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'secure.db'}"
    command.upgrade(alembic_config(url), "heads")
    engine = get_db(build_app(url)).engine
    # Three pooled connections at once, each as the pool made it (no transaction).
    connections = [engine.raw_connection() for _ in range(3)]
    try:
        for connection in connections:
            cursor = connection.cursor()
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
            cursor.close()
    finally:
        for connection in connections:
            connection.close()
