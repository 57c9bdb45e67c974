"""The demo data: members, companies, national services and the councils."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.suppliers.conftest import REGISTER
from vrm.demo import COMPANIES, DEMO_MEMBERS, PUBLIC_SERVICES, default_register_path, seed
from vrm.members.models import Member
from vrm.notifications.models import Notification
from vrm.representatives.queries import public_log, supplier_panel_context
from vrm.suppliers.models import RepresentativeClaim, Supplier


@pytest.fixture(autouse=True)
def _app_context(app):
    """Handles are checked against retired ones under the instance's key (app settings)."""
    with app.app_context():
        yield


def by_name(db_session, name: str) -> Supplier:
    return db_session.scalar(select(Supplier).where(Supplier.name == name))


def test_seed_is_idempotent_and_links_departments(db_session) -> None:
    created = seed(db_session, issuer="http://demo.test", register_path=REGISTER)
    # Members, suppliers and councils, plus the demo terms (clauses, versions, proffers).
    assert created > len(DEMO_MEMBERS) + len(COMPANIES) + len(PUBLIC_SERVICES) + 470
    assert len(COMPANIES) >= 25
    jobcentre = by_name(db_session, "Jobcentre Plus")
    assert jobcentre.parent is by_name(db_session, "Department for Work and Pensions")
    assert by_name(db_session, "Driver and Vehicle Licensing Agency").parent.name == (
        "Department for Transport"
    )
    assert by_name(db_session, "Octopus Energy").website_domain == "octopus.energy"
    assert len({s.sector for s in map(lambda d: by_name(db_session, d.name), COMPANIES)}) >= 8
    # carol became BT's representative today: the back-dated demo reviews are not news.
    carol = db_session.scalar(select(Member).where(Member.handle == "carol"))
    posted = select(func.count()).where(
        Notification.member_id == carol.id, Notification.kind == "review_posted"
    )
    assert db_session.scalar(posted) == 0
    # The supplier page's count of representatives and its log tell the same story.
    claim = db_session.scalar(
        select(RepresentativeClaim).where(RepresentativeClaim.member_id == carol.id)
    )
    panel = supplier_panel_context(db_session, claim.supplier, None)["panel"]
    log = public_log(db_session, claim.supplier)
    assert panel.representatives == 1 == len([e for e in log if e.action == "granted"])
    assert log[0].representative == "carol" and log[0].by == "mia"
    total = db_session.scalar(select(func.count()).select_from(Supplier))
    assert seed(db_session, issuer="http://demo.test", register_path=REGISTER) == 0
    assert db_session.scalar(select(func.count()).select_from(Supplier)) == total


def test_seed_without_a_register_still_works(db_session) -> None:
    assert seed(db_session, issuer="http://demo2.test") > (
        len(DEMO_MEMBERS) + len(COMPANIES) + len(PUBLIC_SERVICES)
    )
    assert by_name(db_session, "Octopus Energy") is not None


def test_seed_links_members_seeded_under_another_issuer(db_session) -> None:
    seed(db_session, issuer="http://demo3.test")
    assert seed(db_session, issuer="http://demo4.test") == len(DEMO_MEMBERS)


def test_the_default_register_is_found() -> None:
    assert default_register_path() is not None
