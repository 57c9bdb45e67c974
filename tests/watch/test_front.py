"""The home page: recent reviews, the month's shifts, who answers best and worst, links."""

from __future__ import annotations

import datetime as dt

from tests.reviews.factories import make_member, make_representative, make_review, make_supplier
from vrm.clock import now
from vrm.reviews.thread import answer_review
from vrm.watch.models import SupplierShift


def test_the_front_door_shows_reviews_shifts_and_answerers(client, db_session):
    prompt = make_supplier(db_session, "prompt", name="Prompt Water")
    silent = make_supplier(db_session, "silent", name="Silent Power")
    rep = make_member(db_session, "rep")
    make_representative(db_session, rep, prompt)
    for n in range(6):
        review = make_review(db_session, make_member(db_session), prompt, title=f"Prompt {n}")
        answer_review(db_session, representative=rep, review=review, body="On it.")
        make_review(db_session, make_member(db_session), silent, title=f"Silent {n}")
    at = now()
    for supplier, before, after in ((silent, 3.4, 2.1), (prompt, 3.0, 3.6)):
        db_session.add(
            SupplierShift(
                supplier_id=supplier.id, since=at, detected_at=at, before_mean=before,
                after_mean=after, after_low=after - 0.3, after_high=after + 0.3,
                before_count=40, after_count=8,
            )
        )  # fmt: skip
    old = at - dt.timedelta(days=90)
    db_session.add(
        SupplierShift(
            supplier_id=prompt.id, since=old, detected_at=old, before_mean=4.0, after_mean=1.0,
            after_low=0.8, after_high=1.2, before_count=40, after_count=8,
        )
    )  # fmt: skip
    db_session.flush()
    answer = client.get("/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Silent 5" in page and "Prompt 5" in page  # the newest reviews
    shifts = page[page.index("biggest shifts") : page.index("Who answers")]
    assert shifts.index("Silent Power") < shifts.index("Prompt Water")  # the larger move first
    assert f"shift in {at:%B %Y}: 3.4 → 2.1, likely between 1.8 and 2.4" in shifts
    assert "4.0 → 1.0" not in shifts  # not this month's
    best = page[page.index("<h3>Best") : page.index("<h3>Worst")]
    worst = page[page.index("<h3>Worst") :]
    assert best.index("Prompt Water") < best.index("Silent Power")
    assert "100% of 6 reviews answered" in best and "0% of 6 reviews answered" in worst
    assert worst.index("Silent Power") < worst.index("Prompt Water")
    for link in ('href="/league"', 'href="/compare"', 'href="/open-data"'):
        assert link in page
    # Anonymous visitors are served from the page cache, and revalidate with a 304.
    assert "public" in answer.headers["Cache-Control"]
    again = client.get("/", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
