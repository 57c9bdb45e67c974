"""How sure Parley is of who wrote a review: the grade from facts it holds, the label on
every card, the explanation page, the API and the search facet."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from tests.representatives import factories as make
from vrm.db import get_db
from vrm.members.models import Identity
from vrm.reviews import thread
from vrm.reviews.assurance import (
    GRADES,
    AssuranceFacts,
    ProviderLevel,
    best_provider,
    grade,
    provider_levels,
)
from vrm.reviews.models import ChangeClaim
from vrm.reviews.queries import assurance_of
from vrm.search import rebuild, searching
from vrm.search.backend import CONFIG_KEY
from vrm.search.params import parse
from vrm.search.searching import SearchRequest
from vrm.settings import ProviderConfig, SettingsError, parse_providers
from vrm.settings_access import get_settings

GOV = "https://id.gov.example"
HIGH = ProviderLevel("Gov ID", "high")
MEDIUM = ProviderLevel("Bank ID", "medium")


# ---- the pure rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (AssuranceFacts(provider=None), "basic"),
        (AssuranceFacts(provider=ProviderLevel("Low", "low")), "basic"),
        (AssuranceFacts(provider=MEDIUM), "medium"),
        (AssuranceFacts(provider=HIGH), "high"),
        (AssuranceFacts(provider=None, confirmed_change=True), "medium"),
        (AssuranceFacts(provider=MEDIUM, confirmed_change=True), "high"),
        (AssuranceFacts(provider=HIGH, gives_experience_date=False), "basic"),
        (AssuranceFacts(provider=None, former_member=True), "none"),
        (AssuranceFacts(provider=None, former_member=True, confirmed_change=True), "medium"),
    ],
)
def test_the_grade_adds_up_the_facts(facts: AssuranceFacts, expected: str) -> None:
    found = grade(facts)
    assert found.grade == expected and found.label == GRADES[expected]
    assert found.reasons  # always says why


def test_the_reasons_name_the_provider_and_the_confirmed_change() -> None:
    reasons = grade(AssuranceFacts(provider=HIGH, confirmed_change=True)).reasons
    assert any("Gov ID" in r and "high" in r for r in reasons)
    assert any("confirmed" in r for r in reasons)
    assert "Gives the date of the experience." in reasons


def test_a_member_counts_with_their_best_rated_provider() -> None:
    providers = [
        ProviderConfig("a", "Bank ID", "https://bank.example/", "c", "s", assurance="medium"),
        ProviderConfig("b", "Gov ID", GOV, "c", "s", assurance="high"),
        ProviderConfig("c", "Gov ID (other client)", GOV, "c", "s", assurance="low"),
        ProviderConfig("d", "Unrated", "https://else.example", "c", "s"),
    ]
    levels = provider_levels(providers)
    assert levels == {"https://bank.example": MEDIUM, GOV: HIGH}
    assert best_provider(["https://bank.example", GOV + "/"], levels) == HIGH
    assert best_provider(["https://else.example"], levels) is None


def test_operators_give_a_level_and_a_wrong_one_refuses_to_start() -> None:
    entry = '[{"name": "Gov", "issuer": "%s", "client_id": "c", "client_secret": "s", %s}]'
    assert parse_providers(entry % (GOV, '"assurance": "high"'))[0].assurance == "high"
    assert parse_providers(entry % (GOV, '"scopes": "openid"'))[0].assurance is None
    with pytest.raises(SettingsError, match="assurance must be one of low, medium, high"):
        parse_providers(entry % (GOV, '"assurance": "certain"'))


# ---- from the database, and on the pages ------------------------------------------------


@pytest.fixture
def whoosh(app, monkeypatch):
    """These tests read Whoosh's index directly (rebuild, searching.search)."""
    monkeypatch.setitem(app.config, CONFIG_KEY, "whoosh")


@pytest.fixture
def rated(app, monkeypatch):
    """The test provider rated "high" by the operator, for this test only."""
    settings = get_settings(app)
    issuer = settings.providers[0].issuer
    providers = (dataclasses.replace(settings.providers[0], assurance="high"),)
    monkeypatch.setitem(
        app.extensions, "vrm.settings", dataclasses.replace(settings, providers=providers)
    )
    return issuer


def _with_identity(db_session, member, issuer: str) -> None:
    db_session.add(Identity(member_id=member.id, issuer=issuer, subject=f"sub-{member.id}"))
    db_session.flush()


def test_grades_from_the_database(app, db_session, rated) -> None:
    acme = make.supplier(db_session, "Acme Energy")
    checked, plain = make.member(db_session, "checked"), make.member(db_session, "plain")
    _with_identity(db_session, checked, rated)
    _with_identity(db_session, plain, "https://unrated.example")
    reviews = [make.review(db_session, author=m, supplier=acme) for m in (checked, plain)]
    with app.app_context():
        grades = assurance_of(db_session, reviews)
    assert [grades[r.id].grade for r in reviews] == ["high", "basic"]
    reviews[1].author_id = None  # erased, review kept as a former member's
    assert assurance_of(db_session, reviews, {})[reviews[1].id].grade == "none"


def test_a_confirmed_change_lifts_the_grade(app, db_session) -> None:
    acme = make.supplier(db_session, "Acme Energy")
    author = make.member(db_session, "writer")
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    message = thread.answer_review(
        db_session, representative=rep, review=review, body="We fixed it.", states_change_made=True
    )
    claim = db_session.scalar(select(ChangeClaim).where(ChangeClaim.message_id == message.id))
    assert assurance_of(db_session, [review], {})[review.id].grade == "basic"
    thread.answer_change_claim(db_session, member=author, claim=claim, confirmed=True)
    assert assurance_of(db_session, [review], {})[review.id].grade == "medium"


def test_every_card_shows_its_label_and_the_permalink_says_why(client, db_session, rated) -> None:
    acme = make.supplier(db_session, "Acme Energy")
    checked = make.member(db_session, "checked")
    _with_identity(db_session, checked, rated)
    review = make.review(db_session, author=checked, supplier=acme)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "badge-assurance-high" in page and "Identity checked" in page
    assert 'href="/assurance#grade-high"' in page
    assert "Why “Identity checked”?" in page and "rates high" in page
    listing = client.get(f"/s/{acme.slug}").get_data(as_text=True)
    assert "badge-assurance-high" in listing


def test_the_explanation_page_lists_grades_and_rated_providers(client, rated) -> None:
    page = client.get("/assurance").get_data(as_text=True)
    assert client.get("/assurance").status_code == 200
    for code, label in GRADES.items():
        assert f'id="grade-{code}"' in page and label in page
    assert "Test Provider: <strong>high</strong>" in page


def test_the_explanation_page_with_no_rated_provider(client) -> None:
    page = client.get("/assurance").get_data(as_text=True)
    assert "None yet" in page


def test_the_api_gives_the_grade(client, db_session) -> None:
    acme = make.supplier(db_session, "Acme Energy")
    review = make.review(db_session, author=make.member(db_session, "w"), supplier=acme)
    body = client.get(f"/api/v1/reviews/{review.id}").get_json()
    assert body["assurance"]["grade"] == "basic"
    assert body["assurance"]["label"] == "Signed-in member"
    listing = client.get(f"/api/v1/suppliers/{acme.slug}/reviews").get_json()
    assert listing["items"][0]["assurance"]["grade"] == "basic"


# ---- search ------------------------------------------------------------------------------


def test_search_narrows_by_grade(app, db_session, rated, tmp_path) -> None:
    acme = make.supplier(db_session, "Acme Energy")
    checked, plain = make.member(db_session, "checked"), make.member(db_session, "plain")
    _with_identity(db_session, checked, rated)
    make.review(db_session, author=checked, supplier=acme, body="The meter was swapped promptly.")
    make.review(db_session, author=plain, supplier=acme, body="The meter was never swapped.")
    base = tmp_path / "search"
    with app.app_context():
        rebuild.rebuild(get_db(app).session_factory, base)
    found = searching.search(base, SearchRequest(text="meter", doc_type="review"))
    assert dict(found.facets["assurance"]) == {"high": 1, "basic": 1}
    narrowed = searching.search(base, SearchRequest(text="meter", filters={"assurance": "high"}))
    assert narrowed.total == 1


def test_an_unknown_grade_is_a_problem_not_a_crash(client) -> None:
    assert "assurance" in parse({"q": "x", "assurance": "certain"}).problems
    assert client.get("/api/v1/search?q=x&assurance=certain").status_code == 400
    assert client.get("/search?q=x&assurance=certain").status_code < 500


def test_the_page_offers_the_facet(client, db_session) -> None:
    schema = client.get("/api/v1/openapi.json").get_json()
    review = schema["components"]["schemas"]["Review"]["properties"]
    assert review["assurance"]["properties"]["grade"]["enum"] == list(GRADES)


def test_linking_a_rated_identity_regrades_the_reviews_in_search(
    app, db_session, rated, tmp_path, whoosh
) -> None:
    from vrm.members.service import link_identity

    acme = make.supplier(db_session, "Acme Energy")
    writer = make.member(db_session, "writer")
    make.review(db_session, author=writer, supplier=acme, body="The meter was swapped.")
    base = tmp_path / "search"
    app.config["SEARCH_DIR"] = str(base)
    try:
        with app.app_context():
            db_session.commit()
            rebuild.rebuild(get_db(app).session_factory, base)
        before = searching.search(base, SearchRequest(text="meter"))
        assert dict(before.facets["assurance"]) == {"basic": 1}
        link_identity(db_session, writer, issuer=rated, subject="gov-123")
        with app.app_context():
            db_session.commit()  # drains the outbox inline
        after = searching.search(base, SearchRequest(text="meter"))
        assert dict(after.facets["assurance"]) == {"high": 1}
    finally:
        app.config.pop("SEARCH_DIR", None)


def test_the_search_page_offers_who_wrote_it(
    app, client, db_session, rated, tmp_path, whoosh
) -> None:
    acme = make.supplier(db_session, "Acme Energy")
    checked = make.member(db_session, "checked")
    _with_identity(db_session, checked, rated)
    make.review(db_session, author=checked, supplier=acme, body="The meter was swapped.")
    base = tmp_path / "search"
    app.config["SEARCH_DIR"] = str(base)
    try:
        with app.app_context():
            db_session.commit()
            rebuild.rebuild(get_db(app).session_factory, base)
        page = client.get("/search?q=meter").get_data(as_text=True)
        assert "Who wrote it" in page and "Identity checked" in page
        narrowed = client.get("/search?q=meter&assurance=basic").get_data(as_text=True)
        assert "Signed-in member" in narrowed  # the chosen filter, named
        api = client.get("/api/v1/search?q=meter&assurance=high").get_json()
        assert api["total"] == 1
    finally:
        app.config.pop("SEARCH_DIR", None)
