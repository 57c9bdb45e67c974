"""Reviews written on someone's behalf: chosen on the form, labelled on the review,
kept in the history, the API and the export, counted like any other review."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_from
from tests.reviews.factories import make_draft, make_review, sign_in_as
from tests.reviews.test_web_writing import form, post_new
from vrm.members.service import export_member
from vrm.reviews.drafts import validate_draft
from vrm.reviews.models import Review, ReviewRevision
from vrm.reviews.service import AlreadyReviewed, InvalidReview, edit_review
from vrm.reviews.voices import CODES, VOICES, is_on_behalf, voice_label


def test_every_voice_but_the_writers_own_has_a_label() -> None:
    assert CODES[0] == "self" and voice_label("self") == "" and not is_on_behalf("self")
    for voice in VOICES[1:]:
        assert voice.label.startswith("Written by") and "behalf" in voice.label
        assert is_on_behalf(voice.code)
    assert voice_label("nobody") == ""


@pytest.mark.parametrize("voice", ["", "admin", None, 3, "SELF"])
def test_the_rules_refuse_an_unknown_voice(voice) -> None:
    draft = make_draft(voice=voice)
    assert validate_draft(draft, draft.experienced_on)["voice"].startswith("Choose whose")


def test_a_carer_writes_and_the_review_says_so(alice_client, db_session, supplier) -> None:
    answer = post_new(alice_client, voice="carer")
    assert answer.status_code == 303
    review = db_session.scalar(select(Review))
    assert review.voice == "carer"
    page = alice_client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Written by a carer on someone&#39;s behalf" in page
    assert "/methodology#voices" in page
    listing = alice_client.get("/s/north-power").get_data(as_text=True)
    assert "Written by a carer" in listing


def test_the_form_offers_every_voice_with_own_experience_first(alice_client, supplier) -> None:
    page = alice_client.get("/s/north-power/review").get_data(as_text=True)
    assert "Whose experience is this?" in page
    for voice in VOICES:
        assert f'value="{voice.code}"' in page
    assert page.index('value="self"') < page.index('value="mp_office"')


def test_an_own_experience_carries_no_label(alice_client, db_session, supplier) -> None:
    post_new(alice_client)
    review = db_session.scalar(select(Review))
    assert review.voice == "self" and review.voice_label == ""
    assert "behalf" not in alice_client.get(f"/reviews/{review.id}").get_data(as_text=True)


def test_an_unknown_voice_is_a_400_with_the_message(alice_client, db_session, supplier) -> None:
    answer = post_new(alice_client, voice="judge")
    assert answer.status_code == 400
    assert "Choose whose experience this review tells." in answer.get_data(as_text=True)
    assert db_session.scalar(select(Review)) is None


def test_changing_the_voice_is_a_new_public_revision(db_session, alice, supplier) -> None:
    review = make_review(db_session, alice, supplier)
    edit_review(db_session, editor=alice, review=review, draft=make_draft(voice="relative"))
    voices = db_session.scalars(
        select(ReviewRevision.voice)
        .where(ReviewRevision.review_id == review.id)
        .order_by(ReviewRevision.number)
    ).all()
    assert voices == ["self", "relative"] and review.revision_count == 2


def test_the_history_page_shows_the_label(client, db_session, alice, supplier) -> None:
    review = make_review(db_session, alice, supplier, voice="councillor")
    edit_review(db_session, editor=alice, review=review, draft=make_draft(voice="self"))
    page = client.get(f"/reviews/{review.id}/history").get_data(as_text=True)
    assert "Written by a councillor on a resident&#39;s behalf" in page


def test_the_service_refuses_an_unknown_voice(db_session, alice, supplier) -> None:
    with pytest.raises(InvalidReview) as refused:
        make_review(db_session, alice, supplier, voice="mayor")
    assert "voice" in refused.value.errors


def test_speaking_for_others_gives_no_second_review(db_session, alice, supplier) -> None:
    make_review(db_session, alice, supplier)
    with pytest.raises(AlreadyReviewed):
        make_review(db_session, alice, supplier, voice="advocate")


def test_the_api_and_the_export_carry_the_voice(client, db_session, alice, supplier) -> None:
    review = make_review(db_session, alice, supplier, voice="mp_office")
    body = client.get(f"/api/v1/reviews/{review.id}").get_json()
    assert body["voice"] == "mp_office"
    assert body["voice_label"] == "Written by an MP's office on a constituent's behalf"
    schema = client.get("/api/v1/openapi.json").get_json()
    assert "mp_office" in schema["components"]["schemas"]["Review"]["properties"]["voice"]["enum"]
    exported = export_member(db_session, alice)
    revisions = exported["reviews"][0]["revisions"]
    assert revisions[0]["voice"] == "mp_office"


def test_editing_shows_the_chosen_voice(alice_client, db_session, alice, supplier) -> None:
    review = make_review(db_session, alice, supplier, voice="advocate")
    sign_in_as(alice_client, alice)
    page = alice_client.get(f"/reviews/{review.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="advocate"', page)
    token = csrf_from(page)
    answer = alice_client.post(
        f"/reviews/{review.id}/edit", data={"csrf_token": token, **form(voice="self")}
    )
    assert answer.status_code == 303
    db_session.refresh(review)
    assert review.voice == "self"


def test_the_methodology_says_how_they_count(client) -> None:
    page = client.get("/methodology").get_data(as_text=True)
    assert 'id="voices"' in page and "exactly like any other review" in page


def test_the_feed_labels_a_review_written_on_someones_behalf(client, db_session, alice, supplier):
    make_review(db_session, alice, supplier, voice="relative")
    feed = client.get("/s/north-power/feed.atom").get_data(as_text=True)
    assert "Written by a relative on their behalf" in feed
