"""What a search engine or a link preview reads from Parley's pages: schema.org JSON-LD,
OpenGraph, meta descriptions and canonical links, read by extruct as a crawler would."""

from __future__ import annotations

import datetime as dt

import extruct
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.search.factories import make_member, make_review, make_supplier
from vrm.main import structured_data


def _read(client: FlaskClient, path: str) -> tuple[dict, str]:
    page = client.get(path)
    assert page.status_code == 200, path
    html = page.get_data(as_text=True)
    data = extruct.extract(
        html, base_url=f"http://localhost{path}", syntaxes=["json-ld", "opengraph"], uniform=True
    )
    return data, html


def _og(data: dict) -> dict[str, str]:
    (properties,) = data["opengraph"]
    return properties


def test_a_supplier_page_is_an_organization_with_its_rating(
    client: FlaskClient, db_session: Session
) -> None:
    supplier = make_supplier(db_session, "Ørsted Power", description="Wind farms & <more>.")
    for rating in (5, 4):
        make_review(db_session, supplier, author=make_member(db_session), rating=rating)
    db_session.commit()
    data, html = _read(client, f"/s/{supplier.slug}?sort=newest")
    (org,) = data["json-ld"]
    assert org["@type"] == "Organization" and org["name"] == "Ørsted Power"
    assert org["url"] == f"http://localhost/s/{supplier.slug}"
    assert org["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.5,
        "ratingCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert "</script" not in org["description"] and org["description"] == "Wind farms & <more>."
    og = _og(data)
    assert og["@type"] == "profile" and og["og:title"] == "Ørsted Power"
    assert og["og:url"] == f"http://localhost/s/{supplier.slug}"
    assert f'<link rel="canonical" href="http://localhost/s/{supplier.slug}">' in html
    assert '<meta name="description" content="Ørsted Power: business. 2 reviews on Parley' in html


def test_a_public_service_is_a_government_organization(
    client: FlaskClient, db_session: Session
) -> None:
    supplier = make_supplier(
        db_session, "Lakeside Council", kind="public_service", sector="council-services"
    )
    db_session.commit()
    data, _ = _read(client, f"/s/{supplier.slug}")
    (org,) = data["json-ld"]
    assert org["@type"] == "GovernmentOrganization" and "aggregateRating" not in org


def test_a_review_page_is_a_review(client: FlaskClient, db_session: Session) -> None:
    supplier = make_supplier(db_session, "Kestrel Rail")
    author = make_member(db_session, "trainfan")
    review = make_review(
        db_session,
        supplier,
        author=author,
        rating=2,
        title="Late again",
        body="The 8:12 was **late** every day this week.",
    )
    db_session.commit()
    data, html = _read(client, f"/reviews/{review.id}")
    (found,) = data["json-ld"]
    assert found["@type"] == "Review" and found["name"] == "Late again"
    assert found["reviewRating"]["ratingValue"] == 2
    assert found["author"] == {"@type": "Person", "name": "trainfan"}
    assert found["itemReviewed"]["@type"] == "Organization"
    assert found["itemReviewed"]["name"] == "Kestrel Rail"
    assert found["reviewBody"] == "The 8:12 was late every day this week."
    assert _og(data)["@type"] == "article"
    assert '<meta name="description" content="2/5 for Kestrel Rail: The 8:12 was late' in html
    assert f'<link rel="canonical" href="http://localhost/reviews/{review.id}">' in html


def test_every_page_has_a_description_and_lists_keep_their_page_number(
    client: FlaskClient,
) -> None:
    for path in ("/", "/suppliers", "/league", "/methodology", "/terms"):
        data, html = _read(client, path)
        assert '<meta name="description" content="' in html
        assert _og(data)["og:site_name"] == "Parley"
    _, second = _read(client, "/suppliers?page=2&sector=energy")
    assert '<link rel="canonical" href="http://localhost/suppliers?page=2">' in second
    missing = client.get("/s/no-such-supplier").get_data(as_text=True)
    assert 'rel="canonical"' not in missing


def test_json_ld_cannot_end_its_script_early() -> None:
    text = structured_data.json_ld({"name": "</script><script>alert(1)</script><!--"})
    assert "</script>" not in text.removesuffix("</script>") and "<!--" not in text


def test_descriptions_are_cut_at_a_word() -> None:
    assert structured_data.summary("word " * 100, 20) == "word word word word…"
    assert structured_data.aggregate_rating([0, 0, 0, 0, 0]) is None
    assert structured_data.review(
        title="t",
        body="b",
        rating=3,
        author="a",
        published=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        url="u",
        item={"@context": "x", "@type": "Organization", "aggregateRating": {}},
    )["itemReviewed"] == {"@type": "Organization"}
