"""Watching suppliers, sectors, areas and searches: who hears of what, and the pages."""

from __future__ import annotations

import datetime as dt
import random
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_from
from tests.representatives import factories as make
from tests.support.oidc_provider import complete_login
from vrm import signals
from vrm.errors import NotFound
from vrm.members.service import erase_member, export_member
from vrm.notifications.links import link_for
from vrm.notifications.models import Notification
from vrm.suppliers.models import Area
from vrm.watch import service
from vrm.watch.models import SupplierShift, Watch
from vrm.watch.shifts import current_settings, replay_supplier
from vrm.watch.targets import canonical_search, resolve


def kinds(db_session, person) -> list[str]:
    return list(
        db_session.scalars(select(Notification.kind).where(Notification.member_id == person.id))
    )


def post(db_session, supplier, rating=2, at=None, body="They lost my meter reading."):
    review = make.review(
        db_session, author=make.member(db_session), supplier=supplier, rating=rating,
        created_at=at, body=body,
    )  # fmt: skip
    signals.review_posted.send(review, session=db_session)
    db_session.flush()
    return review


def test_watching_again_only_changes_the_mode(db_session):
    person, acme = make.member(db_session), make.supplier(db_session)
    target = resolve(db_session, {"supplier": acme.slug})
    service.watch(db_session, member=person, target=target)
    changed = service.watch(db_session, member=person, target=target, mode="shifts")
    assert db_session.scalars(select(Watch)).all() == [changed] and changed.mode == "shifts"


def test_targets_must_exist(db_session):
    for args in ({"supplier": "nope"}, {"sector": "nope"}, {"area": "X99"}, {"search": ""}, {}):
        with pytest.raises(NotFound):
            resolve(db_session, args)


def test_two_urls_for_one_search_are_one_watch():
    assert canonical_search("sector=energy&q=bills&page=3") == canonical_search(
        "q=bills&sector=energy"
    )
    assert canonical_search("q=bills&sort=newest") == "q=bills&sort=newest"
    assert canonical_search("sector=not-a-sector") == ""


def test_sector_area_and_search_watchers_hear_of_a_new_review(db_session):
    region = Area(code="E12000003", name="Yorkshire", kind="region")
    db_session.add(region)
    db_session.flush()
    council = Area(code="E08000035", name="Leeds", kind="local_authority", parent_id=region.id)
    db_session.add(council)
    acme = make.supplier(db_session, "Acme Energy")
    acme.area_id = council.id
    db_session.flush()
    by_sector, by_area, by_search, missed, shifts_only = (make.member(db_session) for _ in range(5))
    for person, args, mode in (
        (by_sector, {"sector": "energy"}, "every"),
        (by_area, {"area": "E12000003"}, "every"),
        (by_search, {"search": "q=meter&sector=energy"}, "every"),
        (missed, {"search": "q=broadband"}, "every"),
        (shifts_only, {"supplier": acme.slug}, "shifts"),
    ):
        service.watch(db_session, member=person, target=resolve(db_session, args), mode=mode)
    review = post(db_session, acme)
    for person in (by_sector, by_area, by_search):
        assert kinds(db_session, person) == ["review_posted"]
    assert kinds(db_session, missed) == [] and kinds(db_session, shifts_only) == []
    note = db_session.scalar(select(Notification).where(Notification.member_id == by_area.id))
    assert "Acme Energy" in note.text and note.review_id == review.id


def test_a_real_shift_reaches_shift_watchers_and_is_stored(app, db_session):
    acme = make.supplier(db_session, "Acme Energy")
    watcher, every = make.member(db_session), make.member(db_session)
    target = resolve(db_session, {"supplier": acme.slug})
    service.watch(db_session, member=watcher, target=target, mode="shifts")
    service.watch(db_session, member=every, target=resolve(db_session, {"sector": "energy"}))
    rng = random.Random(7)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    good = rng.choices((1, 2, 3, 4, 5), weights=(0.02, 0.03, 0.1, 0.45, 0.4), k=60)
    bad = rng.choices((1, 2, 3, 4, 5), weights=(0.5, 0.3, 0.15, 0.05, 0.0), k=25)
    for day, rating in enumerate(good + bad):
        post(db_session, acme, rating, start + dt.timedelta(days=day))
    [shift] = db_session.scalars(select(SupplierShift)).all()
    assert shift.supplier_id == acme.id and shift.after_mean < 2.5 < 3.8 < shift.before_mean
    assert shift.since.month == 3  # the bad reviews began on day 60: 2 March
    [note] = db_session.scalars(select(Notification).where(Notification.member_id == watcher.id))
    assert note.kind == "shift" and "shift in March 2026" in note.text
    with app.test_request_context():
        assert link_for(note) == f"/s/{acme.slug}#over-time"
    assert "shift" not in kinds(db_session, every) and len(kinds(db_session, every)) == 85

    # A rebuild from the history finds the same shift (what `flask watch replay-shifts` does).
    [again] = replay_supplier(db_session, acme.id)
    assert (again.since, round(again.after_mean, 6)) == (shift.since, round(shift.after_mean, 6))


def test_the_threshold_is_read_in_nats_and_the_old_probability_key_is_not(app):
    """WATCH_SHIFT_THRESHOLD was the old detector's probability (0.9): read as nats it
    would alert on noise, so only WATCH_SHIFT_EVIDENCE sets the threshold."""
    app.config.update(WATCH_SHIFT_THRESHOLD=0.9)
    with app.app_context():
        assert current_settings().threshold == 11.0
        app.config["WATCH_SHIFT_EVIDENCE"] = "12.5"
        assert current_settings().threshold == 12.5
    app.config.pop("WATCH_SHIFT_EVIDENCE")
    app.config.pop("WATCH_SHIFT_THRESHOLD")


def test_replay_command(app, db_session):
    acme = make.supplier(db_session)
    post(db_session, acme)
    runner = app.test_cli_runner()
    assert (
        "Replayed 1 supplier(s)"
        in runner.invoke(args=["watch", "replay-shifts", "--supplier", acme.slug]).output
    )
    assert runner.invoke(args=["watch", "replay-shifts", "--supplier", "nope"]).exit_code != 0


def test_export_lists_watches_and_erasure_removes_them(app, db_session):
    person, acme = make.member(db_session), make.supplier(db_session, "Acme Energy")
    service.watch(db_session, member=person, target=resolve(db_session, {"supplier": acme.slug}))
    service.watch(
        db_session, member=person, target=resolve(db_session, {"search": "q=bills"}), mode="shifts"
    )
    exported = export_member(db_session, person)["watching"]
    assert [(w["kind"], w["name"], w["mode"]) for w in exported] == [
        ("supplier", "Acme Energy", "every"),
        ("search", "Search for “bills”", "shifts"),
    ]
    assert exported[1]["link"].endswith("/search?q=bills")
    with app.app_context():  # erasure retires the handle under the instance's key
        erase_member(db_session, person)
    assert db_session.scalars(select(Watch)).all() == []


def test_a_signed_out_visitor_signs_in_and_comes_back_to_watch(auth: AuthActions, db_session):
    acme = make.supplier(db_session, "Acme Energy")
    auth.sign_up("wanda")
    auth.sign_out()
    page = auth.client.get(f"/s/{acme.slug}").get_data(as_text=True)
    assert f'href="/watch?supplier={acme.slug}"' in page
    asked = auth.client.get(f"/watch?supplier={acme.slug}")
    assert asked.status_code == 302
    assert (
        asked.headers["Location"]
        == f"/sign-in?next={quote(f'/watch?supplier={acme.slug}', safe='')}"
    )
    sign_in = auth.client.get(asked.headers["Location"]).get_data(as_text=True)
    started = auth.client.post(
        "/sign-in/provider/basic",
        data={"csrf_token": csrf_from(sign_in), "next": f"/watch?supplier={acme.slug}"},
    )
    back = auth.return_from(complete_login(started.headers["Location"], "wanda"))
    assert back.headers["Location"] == f"/watch?supplier={acme.slug}"
    form = auth.client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Watch Acme Energy" in form and 'value="shifts"' in form
    done = auth.client.post(
        "/watch", data={"csrf_token": csrf_from(form), "supplier": acme.slug, "mode": "shifts"}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account/watching"
    [watch] = db_session.scalars(select(Watch)).all()
    assert (watch.kind, watch.mode) == ("supplier", "shifts")


def test_the_watching_page_lists_and_unwatches_in_one_click(auth: AuthActions, db_session):
    acme = make.supplier(db_session, "Acme Energy")
    auth.sign_up("will")
    token = auth.csrf("/")
    for args in (
        {"sector": "energy"},
        {"search": "q=bills&sector=energy"},
        {"supplier": acme.slug},
    ):
        answer = auth.client.post("/watch", data={"csrf_token": token, "mode": "every", **args})
        assert answer.status_code == 303
    page = auth.client.get("/account/watching").get_data(as_text=True)
    assert "Acme Energy" in page and "The Energy sector" in page.replace("energy", "Energy")
    assert "Search for “bills” (sector: energy)" in page
    watches = db_session.scalars(select(Watch).order_by(Watch.id)).all()
    assert len(watches) == 3
    gone = auth.client.post(
        f"/account/watching/{watches[0].id}/unwatch", data={"csrf_token": token}
    )
    assert gone.status_code == 303
    db_session.expire_all()
    assert len(db_session.scalars(select(Watch)).all()) == 2
    # Without the CSRF token nothing happens; a bad mode or target is a clear 4xx.
    assert auth.client.post(f"/account/watching/{watches[1].id}/unwatch").status_code == 400
    bad_mode = auth.client.post(
        "/watch", data={"csrf_token": token, "sector": "energy", "mode": "x"}
    )
    assert bad_mode.status_code == 400
    missing = auth.client.post("/watch", data={"csrf_token": token, "sector": "nope"})
    assert missing.status_code == 404
    assert auth.client.get("/watch?area=nope").status_code == 404
    db_session.expire_all()
    assert len(db_session.scalars(select(Watch)).all()) == 2


def test_the_supplier_chart_marks_shifts_and_methodology_explains_them(client, db_session):
    acme = make.supplier(db_session, "Acme Energy")
    today = dt.datetime.now(dt.UTC).replace(day=1, hour=12) - dt.timedelta(days=40)
    db_session.add(
        SupplierShift(
            supplier_id=acme.id, since=today, detected_at=today, before_mean=3.42,
            after_mean=2.08, after_low=1.8, after_high=2.4, before_count=60, after_count=9,
        )
    )  # fmt: skip
    post(db_session, acme, 2)
    page = client.get(f"/s/{acme.slug}").get_data(as_text=True)
    words = f"shift in {today:%B %Y}: 3.4 → 2.1, likely between 1.8 and 2.4"
    assert 'class="chart-shift"' in page and words in page
    assert f"Marked: {words}." in page  # in the SVG's description too
    method = client.get("/methodology").get_data(as_text=True)
    assert 'id="shifts"' in method and "Willsky and Jones, 1976" in method


def test_sector_area_and_search_pages_offer_to_watch(app, client, db_session, tmp_path):
    from vrm.db import get_db
    from vrm.search import rebuild

    area = Area(code="E08000035", name="Leeds", kind="local_authority")
    db_session.add(area)
    db_session.flush()
    page = client.get("/sectors/energy?area=E08000035").get_data(as_text=True)
    assert 'href="/watch?sector=energy"' in page and 'href="/watch?area=E08000035"' in page
    make.supplier(db_session, "Acme Energy")
    app.config["SEARCH_DIR"] = str(tmp_path / "search")
    rebuild.rebuild(get_db(app).session_factory, tmp_path / "search")
    try:
        found = client.get("/search?q=acme&sector=energy").get_data(as_text=True)
    finally:
        app.config.pop("SEARCH_DIR", None)
    assert 'href="/watch?search=q%3Dacme%26sector%3Denergy"' in found
