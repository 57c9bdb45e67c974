"""/s/<slug>/badge.svg: score, band and count, links back, no script, no cookie, cached."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reputation.test_pages import reviewed
from tests.reviews.factories import make_member, sign_in_as
from vrm.badges.shape import badge
from vrm.reputation.scoring import dirichlet_score

SVG = "{http://www.w3.org/2000/svg}"


def test_badge_shows_score_band_and_count_and_links_back(
    client: FlaskClient, db_session: Session, frozen_clock: Clock
) -> None:
    reviewed(db_session, [5, 4, 5, 4, 5], slug="good-power", name="Good <Power>")
    answer = client.get("/s/good-power/badge.svg")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["ETag"] and "public" in answer.headers["Cache-Control"]
    body = answer.get_data(as_text=True)
    root = ET.fromstring(body)  # noqa: S314 - our own response: well-formed, name escaped
    assert root.tag == f"{SVG}svg" and "<script" not in body and "on" + "load" not in body
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == "Parley" and "/5 (" in texts[1] and "5 reviews" in texts[1]
    link = root.find(f"{SVG}a")
    assert link is not None and link.get("href") == "http://localhost/s/good-power"
    assert "Good <Power> on Parley" in root.find(f"{SVG}title").text  # type: ignore[union-attr]
    again = client.get("/s/good-power/badge.svg", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_badge_below_the_minimum_and_unknown(client: FlaskClient, db_session: Session) -> None:
    reviewed(db_session, [2], slug="new-water")
    body = client.get("/s/new-water/badge.svg").get_data(as_text=True)
    assert "not enough reviews yet · 1 review" in body
    assert client.get("/s/nobody/badge.svg").status_code == 404


def test_supplier_page_offers_the_embed_snippet(client: FlaskClient, db_session: Session) -> None:
    reviewed(db_session, [5, 5, 4], slug="good-power", name="Good Power")
    html = client.get("/s/good-power").get_data(as_text=True)
    assert "Embed this score" in html
    assert "&lt;img src=&#34;http://localhost/s/good-power/badge.svg&#34;" in html or (
        "&lt;img src=&quot;http://localhost/s/good-power/badge.svg&quot;" in html
    )
    # Embedded on another site the request is cross-site, so the SameSite=Lax session
    # cookie is not sent: the badge is always served as to an anonymous visitor.
    sign_in_as(client, make_member(db_session, "viewer"))
    assert client.get("/s/good-power/badge.svg").status_code == 200


def test_tone_follows_the_band() -> None:
    good = dirichlet_score((0, 0, 0, 10, 30), 40)
    poor = dirichlet_score((30, 10, 0, 0, 0), 40)
    assert badge("A", good).tone == "good" and badge("A", poor).tone == "poor"
    assert badge("A", dirichlet_score((0,) * 5, 0)).tone == "none"
