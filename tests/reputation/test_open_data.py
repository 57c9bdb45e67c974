"""Open data: every supplier's aggregated reputation as CSV and JSON, and nothing else."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reputation.test_pages import reviewed


def test_csv_and_json_hold_the_same_rows_best_first(
    client: FlaskClient, db_session: Session, frozen_clock: Clock
) -> None:
    steady = reviewed(db_session, [5, 4, 5, 4, 5] * 4, sector="water", name="Steady Water")
    reviewed(db_session, [1, 2, 1, 2], sector="water", name="=HYPERLINK(1)")
    reviewed(db_session, [5], sector="energy", name="Lonely Energy")

    answer = client.get("/open-data/reputation.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    table = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [row["name"] for row in table] == ["Steady Water", "'=HYPERLINK(1)", "Lonely Energy"]
    assert table[0]["slug"] == steady.slug and table[0]["reviews"] == "20"
    assert table[2]["ranked"] == "false" and table[2]["score"] == ""

    document = client.get("/open-data/reputation.json").get_json()
    assert "CC BY 4.0" in document["licence"]
    assert document["suppliers"][0]["name"] == "Steady Water"
    assert document["suppliers"][2]["score"] is None
    # Aggregates only: nothing about any member.
    assert "handle" not in answer.get_data(as_text=True) and "member" not in str(document)

    water = client.get("/open-data/reputation.json?sector=water").get_json()
    assert len(water["suppliers"]) == 2


def test_odd_requests_are_clear_errors(client: FlaskClient, db_session: Session) -> None:
    assert client.get("/open-data/reputation.xlsx").status_code == 404
    assert client.get("/open-data/reputation.csv?sector=nope").status_code == 400


def test_the_league_links_to_the_data(client: FlaskClient, db_session: Session) -> None:
    html = client.get("/league?sector=water").get_data(as_text=True)
    assert "/open-data/reputation.csv?sector=water" in html
    assert "/api/v1/openapi.json" in html
