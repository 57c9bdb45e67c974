"""Writing and editing reviews through the web, as a member would."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.reviews.factories import make_review, make_supplier, sign_in_as
from vrm.clock import now
from vrm.reviews.models import Review, ReviewRevision

YESTERDAY = (now().date() - dt.timedelta(days=1)).isoformat()


def form(**fields: str) -> dict[str, str]:
    values = {
        "rating": "2",
        "title": "Billing mess",
        "body": "They billed me *twice*.",
        "experienced_on": YESTERDAY,
        "branch": "",
        "ease": "",
        "resolution": "3",
        "fairness": "",
        "respect": "",
    }
    values.update(fields)
    return values


def post_new(client, slug: str = "north-power", **fields: str):
    token = csrf_from(client.get(f"/s/{slug}/review").get_data(as_text=True))
    return client.post(f"/s/{slug}/review", data={"csrf_token": token, **form(**fields)})


def reviews_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Review))


def test_signing_in_is_needed_to_write(client, supplier):
    answer = client.get("/s/north-power/review")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_the_form_is_accessible(alice_client, supplier):
    page = alice_client.get("/s/north-power/review").get_data(as_text=True)
    assert "<legend>Overall rating" in page
    assert 'type="radio"' in page and 'name="rating"' in page
    assert "Not rated" in page and "Markdown works" in page
    assert 'type="date"' in page


def test_posting_a_review(alice_client, db_session, alice, supplier):
    answer = post_new(alice_client, branch="Leeds office")
    assert answer.status_code == 303
    review = db_session.scalar(select(Review))
    assert answer.headers["Location"] == f"/reviews/{review.id}"
    assert (review.author_id, review.rating, review.rating_resolution, review.branch) == (
        alice.id,
        2,
        3,
        "Leeds office",
    )
    page = alice_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Your review is published" in page and "<em>twice</em>" in page


def test_real_sign_in_then_review(auth, client, db_session, supplier):
    auth.sign_up("dora")
    assert post_new(client).status_code == 303
    assert reviews_count(db_session) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"rating": "0"}, "rating", "Choose a rating from 1 to 5 stars."),
        ({"rating": "6"}, "rating", "Choose a rating from 1 to 5 stars."),
        ({"rating": ""}, "rating", "Choose a rating from 1 to 5 stars."),
        ({"ease": "9"}, "ease", "Choose from 1 to 5 stars, or leave it not rated."),
        ({"ease": "-3"}, "ease", "Choose from 1 to 5 stars, or leave it not rated."),
        ({"fairness": "abc"}, "fairness", "Choose from 1 to 5 stars, or leave it not rated."),
        ({"title": "  "}, "title", "Give your review a title of 3 to 200 characters."),
        ({"body": "x" * 50_000}, "body", "the limit is 20,000"),
        ({"experienced_on": "2999-01-01"}, "experienced_on", "cannot be in the future"),
        ({"experienced_on": "1989-06-01"}, "experienced_on", "before 1990"),
        (
            {"experienced_on": "yesterday"},
            "experienced_on",
            "Give the date as day, month and year.",
        ),
        ({"branch": "b" * 201}, "branch", "200 characters"),
    ],
)
def test_bad_input_is_refused_at_the_field(
    alice_client, db_session, supplier, fields, field, message
):
    answer = post_new(alice_client, **fields)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="{field}-errors"' in page
    assert message in page
    assert reviews_count(db_session) == 0


def test_every_error_comes_in_one_round_in_a_summary_that_takes_focus(
    alice_client, db_session, supplier
):
    """Issue 17: an unreadable date used to hide the other errors until the next try."""
    answer = post_new(
        alice_client, rating="", title="", body=" ", experienced_on="31/02/2025", ease="9"
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    for field in ("rating", "title", "body", "experienced_on", "ease"):
        assert f'id="{field}-errors"' in page, field
    assert "Give the date as day, month and year." in page
    assert "Give the date of your experience." not in page  # one message a field
    summary = page[page.index('class="notice notice-error error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert summary.count("<li>") == 5
    assert reviews_count(db_session) == 0


def test_script_in_markdown_is_published_harmless(alice_client, db_session, supplier):
    answer = post_new(alice_client, body="<script>alert(1)</script> [x](javascript:alert(2))")
    assert answer.status_code == 303
    page = alice_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page and 'href="javascript' not in page


def test_missing_or_stale_csrf_is_refused_and_writes_nothing(alice_client, db_session, supplier):
    missing = alice_client.post("/s/north-power/review", data=form())
    stale = alice_client.post(
        "/s/north-power/review", data={"csrf_token": "IjEyMyI.stale.token", **form()}
    )
    assert (missing.status_code, stale.status_code) == (400, 400)
    assert "nothing was changed" in stale.get_data(as_text=True)
    assert reviews_count(db_session) == 0


def test_unknown_supplier_is_404_and_removed_is_410(alice_client, db_session):
    """The same answers as the supplier's own page (vrm.suppliers.queries.public_supplier)."""
    make_supplier(db_session, "gone-ltd", visibility="removed")
    assert alice_client.get("/s/no-such-thing/review").status_code == 404
    assert alice_client.get("/s/gone-ltd/review").status_code == 410


def test_a_merged_supplier_sends_you_to_where_it_lives(alice_client, db_session):
    target = make_supplier(db_session, "new-name")
    make_supplier(db_session, "old-name", merged_into_id=target.id)
    answer = alice_client.get("/s/old-name/review")
    assert answer.status_code == 301 and answer.headers["Location"] == "/s/new-name/review"


def test_a_second_review_is_409_with_a_link_to_edit(alice_client, db_session, alice, supplier):
    existing = make_review(db_session, alice, supplier)
    token = csrf_from(alice_client.get("/").get_data(as_text=True))
    answer = alice_client.post("/s/north-power/review", data={"csrf_token": token, **form()})
    assert answer.status_code == 409
    assert f'href="/reviews/{existing.id}/edit"' in answer.get_data(as_text=True)
    assert reviews_count(db_session) == 1
    again = alice_client.get("/s/north-power/review")
    assert again.status_code == 302 and again.headers["Location"] == f"/reviews/{existing.id}/edit"


def test_editing_keeps_history(alice_client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    page = alice_client.get(f"/reviews/{review.id}/edit").get_data(as_text=True)
    assert 'value="Fixed my meter quickly"' in page
    token = csrf_from(page)
    answer = alice_client.post(
        f"/reviews/{review.id}/edit",
        data={"csrf_token": token, **form(rating="1", title="Went wrong later")},
    )
    assert answer.status_code == 303
    db_session.expire_all()
    assert db_session.get(Review, review.id).revision_count == 2
    shown = alice_client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert f'href="/reviews/{review.id}/history"' in shown and "edited" in shown
    history = alice_client.get(f"/reviews/{review.id}/history").get_data(as_text=True)
    assert history.index("Went wrong later") < history.index("Fixed my meter quickly")


def test_an_invalid_edit_is_400_and_changes_nothing(alice_client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    token = csrf_from(alice_client.get(f"/reviews/{review.id}/edit").get_data(as_text=True))
    answer = alice_client.post(
        f"/reviews/{review.id}/edit", data={"csrf_token": token, **form(title="")}
    )
    assert answer.status_code == 400 and 'id="title-errors"' in answer.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(ReviewRevision)) == 1


def test_another_member_cannot_edit(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, bob)
    assert client.get(f"/reviews/{review.id}/edit").status_code == 403
    token = csrf_from(client.get("/").get_data(as_text=True))
    answer = client.post(
        f"/reviews/{review.id}/edit", data={"csrf_token": token, **form(title="Hijacked")}
    )
    assert answer.status_code == 403
    db_session.expire_all()
    assert db_session.get(Review, review.id).title == "Fixed my meter quickly"


def test_editing_a_missing_review_is_404(alice_client):
    assert alice_client.get("/reviews/999999/edit").status_code == 404
