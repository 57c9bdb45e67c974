"""Escalation routes for public services: the rules per nation and sector, the drafted
Freedom of Information request, the pages, the operators' routes and their CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.representatives import factories as make
from tests.reviews.factories import make_supplier
from vrm.errors import DomainError, NotFound
from vrm.escalation import service
from vrm.escalation.models import ComplaintsContact, EscalationRoute
from vrm.escalation.routes import (
    HOUSING,
    LGSCO,
    NIPSO,
    PHSO,
    PSOW,
    SPSO,
    Body,
    OperatorRoute,
    foi_request,
    ombudsmen,
    routes_for,
)
from vrm.suppliers.importer import import_register
from vrm.suppliers.models import Supplier

REGISTER = Path(__file__).parents[1] / "data" / "uk_local_authorities.csv"
CODES = ("ABC", "ABE", "ADU", "BIR", "CRF")


def council(nation: str | None, **fields: object) -> Body:
    values: dict[str, object] = {
        "name": "Anytown Council",
        "kind": "public_service",
        "sector": "council-services",
        "nation": nation,
        "is_council": True,
    }
    values.update(fields)
    return Body(**values)  # type: ignore[arg-type]


# ---- the pure rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (council("England"), (LGSCO,)),
        (council("Scotland"), (SPSO,)),
        (council("Wales"), (PSOW,)),
        (council("Northern Ireland"), (NIPSO,)),
        (council("England", sector="housing"), (LGSCO, HOUSING)),
        (council(None, is_council=False, sector="tax-and-benefits"), (PHSO,)),
        (council(None, is_council=False, sector="education"), (PHSO,)),
        (council(None, is_council=False), (LGSCO, SPSO, PSOW, NIPSO)),
        (council("England", is_council=False, sector="health"), (PHSO,)),
        (council("England", is_council=False, sector="social-care"), (LGSCO,)),
        (council("Scotland", is_council=False, sector="health"), (SPSO,)),
        (council("England", kind="business", is_council=False, sector="energy"), ()),
    ],
)
def test_the_ombudsman_follows_nation_and_sector(body: Body, expected: tuple) -> None:
    assert ombudsmen(body) == expected


def test_routes_go_in_the_order_a_person_takes_them() -> None:
    body = council("England", gov_uk_slug="adur")
    steps = [route.step for route in routes_for(body)]
    assert steps == ["complain", "ombudsman", "information"]
    first = routes_for(body)[0]
    assert first.url == "https://www.gov.uk/find-local-council/adur"
    known = routes_for(council("England", complaints_url="https://adur.example/complaints"))
    assert known[0].url == "https://adur.example/complaints"
    site = routes_for(
        council(None, is_council=False, sector="tax-and-benefits", website_domain="hmrc.gov.uk")
    )
    assert site[0].url == "https://hmrc.gov.uk/" and site[1].title == PHSO.name


def test_the_foi_route_searches_whatdotheyknow_for_the_body() -> None:
    route = routes_for(council("Wales", name="City of Cardiff Council"))[-1]
    assert route.step == "information"
    assert route.url == (
        "https://www.whatdotheyknow.com/select_authority?query=City+of+Cardiff+Council"
    )
    assert "Freedom of Information Act 2000" in route.explanation
    scottish = routes_for(council("Scotland"))[-1]
    assert "Freedom of Information (Scotland) Act 2002" in scottish.explanation


def test_the_drafted_request_names_the_law_the_body_and_the_ombudsman() -> None:
    text = foi_request(council("England", name="Adur District Council"))
    assert text.startswith("Dear Adur District Council,")
    assert "Freedom of Information Act 2000" in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "Scotland) Act 2002" in foi_request(council("Scotland"))


def test_businesses_get_only_operator_routes_and_nations_filter_them() -> None:
    energy = council("Scotland", kind="business", is_council=False, sector="energy")
    assert routes_for(energy) == []
    extra = [
        OperatorRoute("Energy Ombudsman", "https://www.energyombudsman.org/", "For energy."),
        OperatorRoute("Only in Wales", "https://wales.example/", "", nation="Wales"),
    ]
    titles = [r.title for r in routes_for(energy, extra)]
    assert titles == ["Energy Ombudsman"]


# ---- real register data, pages ---------------------------------------------------------


@pytest.fixture
def councils(db_session, tmp_path) -> dict[str, Supplier]:
    lines = REGISTER.read_text(encoding="utf-8", errors="replace").splitlines()
    subset = tmp_path / "register.csv"
    subset.write_text(
        "\n".join([lines[0], *(line for line in lines if line.split(",")[0] in CODES)]) + "\n"
    )
    import_register(db_session, subset)
    assert service.load_register_slugs(db_session, subset) == len(CODES)
    found = db_session.scalars(
        select(Supplier).where(Supplier.register_key.in_([f"la:{c}" for c in CODES]))
    )
    return {s.register_key.removeprefix("la:"): s for s in found}


def test_the_register_gives_each_council_its_nation_and_gov_uk_page(
    client, db_session, councils
) -> None:
    expected = {"ABC": NIPSO, "ABE": SPSO, "ADU": LGSCO, "BIR": LGSCO, "CRF": PSOW}
    for code, ombudsman in expected.items():
        page = client.get(f"/s/{councils[code].slug}/escalate")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert ombudsman.name in html, code
        assert "https://www.gov.uk/find-local-council/" in html
        assert "whatdotheyknow.com/select_authority?query=" in html
        assert "Council data: mySociety, CC BY 4.0." in html
    contact = db_session.get(ComplaintsContact, councils["BIR"].id)
    assert contact.gov_uk_slug == "birmingham"


def test_a_council_review_and_page_show_the_routes_onward(client, db_session, councils) -> None:
    birmingham = councils["BIR"]
    author = make.member(db_session, "resident")
    review = make.review(
        db_session, author=author, supplier=birmingham, body="My bins were missed for a month."
    )
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "If something went wrong" in page and LGSCO.name in page
    assert f"/s/{birmingham.slug}/escalate" in page
    supplier_page = client.get(f"/s/{birmingham.slug}").get_data(as_text=True)
    assert "If something went wrong" in supplier_page


def test_the_drafted_request_holds_no_personal_data(client, db_session, councils) -> None:
    birmingham = councils["BIR"]
    author = make.member(db_session, "privateperson")
    make.review(db_session, author=author, supplier=birmingham, body="Flat 3, 12 Secret Road")
    html = client.get(f"/s/{birmingham.slug}/escalate").get_data(as_text=True)
    assert 'id="foi-draft"' in html and "Dear Birmingham City Council," in html
    assert "privateperson" not in html and "Secret Road" not in html


def test_a_business_page_has_no_panel_until_an_operator_adds_a_route(client, db_session) -> None:
    shop = make_supplier(db_session, "north-power", name="North Power", sector="energy")
    assert "If something went wrong" not in client.get("/s/north-power").get_data(as_text=True)
    page = client.get("/s/north-power/escalate")
    assert page.status_code == 200 and "knows no route onward" in page.get_data(as_text=True)
    service.add_route(
        db_session,
        sector="energy",
        title="Energy Ombudsman",
        url="https://www.energyombudsman.org/",
        explanation="Looks at complaints about energy suppliers after eight weeks.",
    )
    db_session.commit()
    assert "Energy Ombudsman" in client.get("/s/north-power").get_data(as_text=True)
    assert shop.kind == "business"


def test_unknown_and_removed_suppliers_are_4xx(client, db_session) -> None:
    assert client.get("/s/no-such-body/escalate").status_code == 404
    gone = make_supplier(db_session, "gone-away", visibility="removed")
    assert client.get(f"/s/{gone.slug}/escalate").status_code == 410
    assert client.get("/s/%00/escalate").status_code in (400, 404)


def test_a_merged_supplier_redirects(client, db_session) -> None:
    target = make_supplier(db_session, "new-name", kind="public_service", sector="health")
    make_supplier(db_session, "old-name", merged_into_id=target.id)
    answer = client.get("/s/old-name/escalate")
    assert answer.status_code == 301 and answer.headers["Location"].endswith("/s/new-name/escalate")


# ---- operators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sector": "nonsense"}, "sector"),
        ({"url": "http://insecure.example/"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "https://x.example/" + "a" * 600}, "url"),
        ({"title": "x"}, "title"),
        ({"nation": "Atlantis"}, "nation"),
    ],
)
def test_operators_bad_routes_are_refused(db_session, fields, field) -> None:
    values = {"sector": "energy", "title": "Energy Ombudsman", "url": "https://eo.example/"}
    values.update(fields)
    with pytest.raises(DomainError) as refused:
        service.add_route(db_session, **values)
    assert refused.value.field == field


def test_the_cli_adds_lists_and_removes_routes(app, db_session) -> None:
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "escalation", "add", "--sector", "water", "--title", "Water ombudsman",
            "--url", "https://www.watercomplaints.example/", "--nation", "Scotland",
        ]
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    route = db_session.scalar(select(EscalationRoute))
    assert route.nation == "Scotland" and route.sector == "water"
    listed = runner.invoke(args=["escalation", "list"])
    assert "water (Scotland)\tWater ombudsman" in listed.output
    refused = runner.invoke(
        args=["escalation", "add", "--sector", "water", "--title", "Bad", "--url", "http://x"]
    )
    assert refused.exit_code == 1 and "https://" in refused.output
    assert runner.invoke(args=["escalation", "remove", str(route.id)]).exit_code == 0
    missing = runner.invoke(args=["escalation", "remove", str(route.id)])
    assert missing.exit_code != 0


def test_an_operator_records_a_complaints_page(app, client, db_session) -> None:
    body = make_supplier(db_session, "hmrc", name="HMRC", kind="public_service",
                         sector="tax-and-benefits")  # fmt: skip
    runner = app.test_cli_runner()
    url = "https://www.gov.uk/complain-to-hm-revenue-and-customs"
    saved = runner.invoke(args=["escalation", "complaints-page", "hmrc", url])
    assert saved.exit_code == 0, saved.output
    html = client.get("/s/hmrc/escalate").get_data(as_text=True)
    assert url in html and PHSO.name in html
    with pytest.raises(NotFound):
        service.set_complaints_page(db_session, slug="nobody", url=url)
    assert body.kind == "public_service"


def test_the_api_gives_the_routes_and_the_draft(client, db_session, councils) -> None:
    body = client.get(f"/api/v1/suppliers/{councils['ABE'].slug}/escalation").get_json()
    assert body["nation"] == "Scotland"
    assert [r["step"] for r in body["routes"]] == ["complain", "ombudsman", "information"]
    assert body["routes"][1]["title"] == SPSO.name
    assert body["foi"]["law"] == "Freedom of Information (Scotland) Act 2002"
    missing = client.get("/api/v1/suppliers/nobody/escalation")
    assert missing.status_code == 404 and missing.is_json
    schema = client.get("/api/v1/openapi.json").get_json()
    assert "/suppliers/{slug}/escalation" in schema["paths"]
    assert "Escalation" in schema["components"]["schemas"]


def test_a_business_has_no_drafted_request_in_the_api(client, db_session) -> None:
    make_supplier(db_session, "north-power", name="North Power", sector="energy")
    body = client.get("/api/v1/suppliers/north-power/escalation").get_json()
    assert body["routes"] == [] and body["foi"] is None
