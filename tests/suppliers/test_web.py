"""The directory's pages, as people use them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions, csrf_from
from tests.suppliers.conftest import REGISTER
from vrm.members.models import Member
from vrm.suppliers import service
from vrm.suppliers.importer import import_register
from vrm.suppliers.models import Supplier


def suppliers(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Supplier))


def sign_in_as(auth: AuthActions, db_session, handle: str, role: str = "member") -> Member:
    auth.sign_up(handle)
    member = db_session.scalar(select(Member).where(Member.handle == handle))
    member.role = role
    db_session.flush()
    return member


def post(auth: AuthActions, path: str, data: dict[str, str], page: str | None = None):
    token = csrf_from(auth.client.get(page or path).get_data(as_text=True))
    return auth.client.post(path, data={"csrf_token": token, **data})


# --- the list ---------------------------------------------------------------


def test_list_filters_by_kind_sector_and_name(client, make_supplier) -> None:
    make_supplier("Octopus Energy", aliases=["Octo"])
    make_supplier("Thames Water", sector="water")
    make_supplier("DVLA Test Service", kind="public_service", sector="transport")
    page = client.get("/suppliers").get_data(as_text=True)
    assert "Octopus Energy" in page and "Thames Water" in page
    by_kind = client.get("/suppliers?kind=public_service").get_data(as_text=True)
    assert "DVLA Test Service" in by_kind and "Octopus Energy" not in by_kind
    by_sector = client.get("/sectors/water").get_data(as_text=True)
    assert "Thames Water" in by_sector and "Octopus Energy" not in by_sector
    by_alias = client.get("/suppliers?q=octo").get_data(as_text=True)
    assert "Octopus Energy" in by_alias and "Thames Water" not in by_alias
    assert "Nothing found" in client.get("/suppliers?q=100%25_").get_data(as_text=True)
    assert client.get("/sectors/gambling").status_code == 404


def test_list_filters_by_region_and_hides_abolished_councils(client, db_session) -> None:
    import_register(db_session, REGISTER)
    south_east = client.get("/suppliers?area=region:south-east&q=council").get_data(as_text=True)
    assert "Adur District Council" in south_east and "Aberdeen City Council" not in south_east
    scotland = client.get("/suppliers?area=nation:scotland&q=aberdeen").get_data(as_text=True)
    assert "Aberdeen City Council" in scotland
    assert "Allerdale Borough Council" not in client.get("/suppliers?q=allerdale").get_data(
        as_text=True
    )
    with_ended = client.get("/suppliers?q=allerdale&ended=1").get_data(as_text=True)
    assert "Allerdale Borough Council" in with_ended and "Abolished 2023" in with_ended


def test_list_paginates(client, make_supplier) -> None:
    for number in range(25):
        make_supplier(f"Paged Supplier {number:02d}", sector="retail")
    first = client.get("/sectors/retail").get_data(as_text=True)
    assert "Paged Supplier 19" in first and "Paged Supplier 20" not in first
    assert "/sectors/retail?page=2" in first
    second = client.get("/sectors/retail?page=2").get_data(as_text=True)
    assert "Paged Supplier 20" in second and "Paged Supplier 00" not in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=charity", "kind must be one of"),
        ("sector=gambling", "sector must be one of"),
        ("area=region:atlantis", "no area with the code"),
        ("page=abc", "page must be a whole number"),
        ("q=" + "x" * 101, "under 100 characters"),
    ],
)
def test_bad_list_filters_get_a_message_at_the_field(client, query, message) -> None:
    answer = client.get(f"/suppliers?{query}")
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    if not query.startswith("page"):
        assert 'class="field-errors"' in answer.get_data(as_text=True)


# --- adding a supplier ---------------------------------------------------------


def test_adding_needs_sign_in(client) -> None:
    answer = client.get("/suppliers/new")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_add_a_supplier(auth, db_session) -> None:
    fay = sign_in_as(auth, db_session, "fay")
    parent = Supplier(
        slug="dept-of-tests", name="Department of Tests", kind="public_service", sector="other"
    )
    db_session.add(parent)
    db_session.flush()
    answer = post(
        auth,
        "/suppliers/new",
        {
            "name": "Test Licensing Agency",
            "kind": "public_service",
            "sector": "transport",
            "website_domain": "https://www.tla.example.org/contact",
            "parent": "/s/dept-of-tests",
            "aliases": "TLA, The Licensing Agency",
            "description": "Issues *test* licences.",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/s/test-licensing-agency"
    created = db_session.scalar(select(Supplier).where(Supplier.slug == "test-licensing-agency"))
    assert created.created_by_id == fay.id and created.parent_id == parent.id
    assert created.website_domain == "tla.example.org"
    assert {a.name for a in created.aliases} == {"The Licensing Agency", "TLA"}
    page = auth.client.get("/s/test-licensing-agency").get_data(as_text=True)
    assert "<em>test</em>" in page and "Department of Tests" in page


def test_likely_duplicates_are_shown_before_adding(auth, db_session, make_supplier) -> None:
    sign_in_as(auth, db_session, "gil")
    make_supplier("Octopus Energy", website_domain="octopus.energy")
    before = suppliers(db_session)
    draft = {"name": "Octopus Energy Ltd", "kind": "business", "sector": "energy"}
    warned = post(auth, "/suppliers/new", draft)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert "Is it one of these?" in page and 'href="/s/octopus-energy"' in page
    assert 'name="confirm_new"' in page
    assert suppliers(db_session) == before
    confirmed = post(auth, "/suppliers/new", {**draft, "confirm_new": "y"}, page="/suppliers/new")
    assert confirmed.status_code == 303
    assert suppliers(db_session) == before + 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Give the supplier&#39;s name."),
        ({"kind": ""}, "kind", "business or a public service"),
        ({"sector": "gambling"}, "sector", "Not a valid choice"),
        ({"website_domain": "not a domain"}, "website_domain", "not a valid website name"),
        ({"website_domain": "ftp://example.org"}, "website_domain", "(http or https)"),
        ({"area": "E99999999"}, "area", "Choose an area from the list."),
        ({"parent": "/s/no-such-parent"}, "parent", "No supplier in Parley has that address."),
        ({"description": "x" * 5001}, "description", "Field cannot be longer"),
    ],
)
def test_invalid_input_is_refused_at_the_field(auth, db_session, change, field, message) -> None:
    sign_in_as(auth, db_session, "hal")
    before = suppliers(db_session)
    draft = {"name": "Unique Testing Widgets", "kind": "business", "sector": "retail", **change}
    answer = post(auth, "/suppliers/new", draft)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'id="{field}-errors"' in page or f'id="{field}" aria-describedby' in page
    assert message in page
    assert suppliers(db_session) == before


def test_a_stale_form_writes_nothing(auth, db_session) -> None:
    sign_in_as(auth, db_session, "ida")
    before = suppliers(db_session)
    answer = auth.client.post(
        "/suppliers/new", data={"name": "No Token Co", "kind": "business", "sector": "retail"}
    )
    assert answer.status_code == 400
    assert suppliers(db_session) == before


# --- the supplier page ---------------------------------------------------------


def test_supplier_page_shows_the_facts(client, db_session, make_supplier) -> None:
    import_register(db_session, REGISTER)
    page = client.get("/s/aylesbury-vale-district-council")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1" in html and "Aylesbury Vale District Council" in html
    assert "<dt>Replaced by</dt>" in html and 'href="/s/buckinghamshire-council"' in html
    assert "abolished on" in html and "mySociety" in html
    successor = client.get("/s/buckinghamshire-council").get_data(as_text=True)
    assert "<dt>Replaced</dt>" in successor and "South East" in successor


def test_the_supplier_page_invites_a_review(client, make_supplier) -> None:
    make_supplier("Reviewable Co")
    html = client.get("/s/reviewable-co").get_data(as_text=True)
    assert "/s/reviewable-co/review" in html


def test_unknown_supplier_is_404(client) -> None:
    answer = client.get("/s/no-such-supplier")
    assert answer.status_code == 404


# --- moderation -----------------------------------------------------------------


def test_only_moderators_merge_or_remove(auth, db_session, make_supplier) -> None:
    sign_in_as(auth, db_session, "joe")
    make_supplier("Alpha Dupe")
    make_supplier("Alpha Dupes")
    assert auth.client.get("/s/alpha-dupe/merge").status_code == 403
    assert auth.client.get("/s/alpha-dupe/remove").status_code == 403
    token = auth.csrf("/suppliers")
    merge = auth.client.post(
        "/s/alpha-dupe/merge", data={"csrf_token": token, "target": "alpha-dupes"}
    )
    remove = auth.client.post("/s/alpha-dupe/remove", data={"csrf_token": token, "reason": "Spam!"})
    assert merge.status_code == remove.status_code == 403
    db_session.expire_all()
    assert db_session.scalar(select(Supplier).where(Supplier.slug == "alpha-dupe")).is_public


def test_moderator_merges_and_the_old_address_redirects(auth, db_session, make_supplier) -> None:
    sign_in_as(auth, db_session, "kim", role="moderator")
    make_supplier("Beta Dupe")
    make_supplier("Beta Dupes")
    form = auth.client.get("/s/beta-dupe/merge").get_data(as_text=True)
    assert "Possible duplicates" in form and "/s/beta-dupes" in form
    refused = post(auth, "/s/beta-dupe/merge", {"target": "/s/nowhere"})
    assert refused.status_code == 400 and "No public supplier has that address." in (
        refused.get_data(as_text=True)
    )
    merged = post(auth, "/s/beta-dupe/merge", {"target": "/s/beta-dupes"})
    assert merged.status_code == 303 and merged.headers["Location"] == "/s/beta-dupes"
    moved = auth.client.get("/s/beta-dupe?page=2")
    assert moved.status_code == 301 and moved.headers["Location"] == "/s/beta-dupes?page=2"


def test_moderator_removes_and_the_page_says_why(auth, db_session, make_supplier) -> None:
    sign_in_as(auth, db_session, "lee", role="moderator")
    make_supplier("Spammy Watches")
    short = post(auth, "/s/spammy-watches/remove", {"reason": "no"})
    assert short.status_code == 400 and 'id="reason-errors"' in short.get_data(as_text=True)
    removed = post(auth, "/s/spammy-watches/remove", {"reason": "Advertising, not a supplier"})
    assert removed.status_code == 303
    auth.sign_out()
    gone = auth.client.get("/s/spammy-watches")
    assert gone.status_code == 410
    assert "Advertising, not a supplier" in gone.get_data(as_text=True)
    assert "Spammy Watches" not in auth.client.get("/suppliers").get_data(as_text=True)


# --- one lookup by slug for every route -------------------------------------

SLUG_ROUTES = [
    "/s/{}",
    "/s/{}/review",
    "/s/{}/represent",
    "/s/{}/representatives/log",
    "/s/{}/terms",
    "/s/{}/terms/proffers",
    "/s/{}/terms/proffer",
    "/s/{}/feed.atom",
    "/s/{}/badge.svg",
    "/s/{}/merge",
    "/api/v1/suppliers/{}",
    "/api/v1/suppliers/{}/reviews",
    "/api/v1/suppliers/{}/reputation",
    "/api/v1/suppliers/{}/terms",
]


def test_every_route_by_slug_follows_merges_and_hides_removed(
    auth, db_session, make_supplier, make_member
) -> None:
    """One lookup (suppliers.queries.public_supplier): an old slug redirects to the same
    route at the new one, keeping the query; a removed supplier is 410; unknown is 404."""
    sign_in_as(auth, db_session, "ivy", role="moderator")
    mod = make_member("mo", "moderator")
    old, new, gone = make_supplier("Old Name"), make_supplier("New Name"), make_supplier("Gone")
    service.merge_suppliers(db_session, moderator=mod, source=old, target=new)
    service.remove_supplier(db_session, moderator=mod, supplier=gone, reason="Not a supplier")
    for route in SLUG_ROUTES:
        moved = auth.client.get(route.format("old-name") + "?page=2")
        assert moved.status_code == 301, route
        assert moved.headers["Location"] == route.format("new-name") + "?page=2", route
        assert auth.client.get(route.format("gone")).status_code == 410, route
        assert auth.client.get(route.format("nowhere")).status_code == 404, route
    form_post = post(auth, "/s/old-name/review", {}, page="/s/new-name/review")
    assert form_post.status_code == 308 and form_post.headers["Location"] == "/s/new-name/review"
