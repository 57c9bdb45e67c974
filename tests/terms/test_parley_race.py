"""Two members publish their first terms at the same moment, before Parley has a row:
one transaction makes Parley, the other waits, finds it, and gets its answer too (no
unique-key failure, no second Parley)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.support.concurrency import interleave, is_postgres, separate_database
from vrm import create_app
from vrm.db import get_db
from vrm.members.models import Member
from vrm.suppliers.models import Supplier
from vrm.terms import agreements, service, tally
from vrm.terms.models import Agreement
from vrm.terms.parley_party import REGISTER_KEY
from vrm.terms.seed import seed_library

ITEMS = [{"clause": "parley:no-stalking", "version": 1}]


@pytest.fixture
def racing_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with separate_database(database_url, tmp_path_factory.mktemp("parley-race")) as url:
        app = create_app(make_settings(url, tmp_path_factory.mktemp("parley-race-instance")))
        yield app
        get_db(app).engine.dispose()


def _publisher(handle: str):  # type: ignore[no-untyped-def]
    def publish(session):  # type: ignore[no-untyped-def]
        member = session.scalar(select(Member).where(Member.handle == handle))
        service.save_draft(session, actor=member, member=member, items=ITEMS, text="")
        return service.publish(session, actor=member, member=member).id

    return publish


def test_two_first_publications_make_one_parley(racing_app: Flask) -> None:
    if not is_postgres(racing_app):
        pytest.skip("SQLite serialises writers: the second cannot begin until the first ends")
    with racing_app.app_context(), get_db(racing_app).session_factory() as session:
        seed_library(session)
        session.add_all([Member(handle="ada"), Member(handle="bea")])
        session.commit()

    _, second = interleave(racing_app, _publisher("ada"), _publisher("bea"))

    assert second.error is None, second.error
    with get_db(racing_app).session_factory() as session:
        parleys = session.scalar(
            select(func.count()).select_from(Supplier).where(Supplier.register_key == REGISTER_KEY)
        )
        assert parleys == 1
        assert session.scalar(select(func.count()).select_from(Agreement)) == 2


def _profferer(handle: str):  # type: ignore[no-untyped-def]
    def offer(session):  # type: ignore[no-untyped-def]
        member = session.scalar(select(Member).where(Member.handle == handle))
        shop = session.scalar(select(Supplier).where(Supplier.slug == "shop"))
        return agreements.proffer(session, member=member, supplier=shop).id

    return offer


def test_two_proffers_at_once_are_both_in_the_kept_tally(racing_app: Flask) -> None:
    """The second writer waits on the supplier's tally lock, then counts the first's
    committed proffer too: neither count is lost."""
    if not is_postgres(racing_app):
        pytest.skip("SQLite serialises writers: the second cannot begin until the first ends")
    with racing_app.app_context(), get_db(racing_app).session_factory() as session:
        seed_library(session)
        session.add_all([Member(handle="ada"), Member(handle="bea")])
        session.add(Supplier(slug="shop", name="Shop", kind="business", sector="energy"))
        session.flush()
        for handle in ("ada", "bea"):
            _publisher(handle)(session)
        session.commit()

    _, second = interleave(racing_app, _profferer("ada"), _profferer("bea"))

    assert second.error is None, second.error
    with get_db(racing_app).session_factory() as session:
        shop = session.scalar(select(Supplier).where(Supplier.slug == "shop"))
        assert shop is not None
        asked = {row.clause: row.proffered for row in tally.stored(session, shop.id)}
        assert asked == {"parley:no-stalking": 2}
