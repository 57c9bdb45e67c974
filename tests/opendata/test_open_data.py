"""/open-data: every dataset as CSV and JSON, described by a Data Package that the
Frictionless validator accepts, aggregates only, cacheable and readable from anywhere."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from frictionless import Package
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reviews.factories import (
    make_member,
    make_representative,
    make_review,
    make_supplier,
)
from tests.support.cost import statement_counts
from vrm.opendata.datasets import DATASETS
from vrm.reviews.thread import answer_review
from vrm.suppliers.models import Area

NAMES = ("suppliers", "monthly", "aspects", "responsiveness", "terms")


def populate(session: Session, clock: Clock) -> None:
    area = Area(code="E06000023", name="Bristol", kind="local_authority")
    session.add(area)
    session.flush()
    busy = make_supplier(session, "busy-water", name="Busy Water", sector="water",
                         area_id=area.id, register_key="water:BW")  # fmt: skip
    make_supplier(session, "silent-power", name="Silent Power")  # no reviews at all
    rep = make_member(session, "bwrep")
    make_representative(session, rep, busy)
    for rating in (5, 4, 5, 2):
        review = make_review(session, make_member(session), busy, rating=rating,
                             ease=rating, body="Secret *member* words")  # fmt: skip
        answer_review(session, representative=rep, review=review, body="Thanks")
        clock.advance(days=40)
    make_review(session, make_member(session), make_supplier(session, "bad-name", name="=bad"))
    session.commit()


def rows_of(client: FlaskClient, name: str) -> list[dict[str, str]]:
    answer = client.get(f"/open-data/{name}.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def validate_with_files(client: FlaskClient, descriptor: dict, tmp_path: Path) -> None:
    """Fetch every file the package names, point the package at the copies, validate
    data and schema together (the validator cannot reach the test client's URLs)."""
    for resource in descriptor["resources"]:
        body = client.get(resource["path"].removeprefix("http://localhost")).get_data()
        assert len(body) == resource["bytes"]
        (tmp_path / f"{resource['name']}.csv").write_bytes(body)
        resource["path"] = f"{resource['name']}.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_datapackage_validates_with_frictionless(
    client: FlaskClient, db_session: Session, frozen_clock: Clock, tmp_path: Path
) -> None:
    populate(db_session, frozen_clock)
    answer = client.get("/open-data/datapackage.json")
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    descriptor = answer.get_json()
    assert [r["name"] for r in descriptor["resources"]] == list(NAMES)
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    published = Package.validate_descriptor(descriptor)  # as served, with its URLs
    assert published.valid, published.flatten(["type", "note"])
    validate_with_files(client, descriptor, tmp_path)


def test_an_empty_site_validates_too(
    client: FlaskClient, db_session: Session, tmp_path: Path
) -> None:
    validate_with_files(client, client.get("/open-data/datapackage.json").get_json(), tmp_path)


def test_what_each_dataset_holds(
    client: FlaskClient, db_session: Session, frozen_clock: Clock
) -> None:
    populate(db_session, frozen_clock)
    suppliers = {row["slug"]: row for row in rows_of(client, "suppliers")}
    assert suppliers["silent-power"]["reviews"] == "0"
    assert suppliers["silent-power"]["score"] == ""
    assert suppliers["silent-power"]["enough_reviews"] == "false"
    busy = suppliers["busy-water"]
    assert busy["reviews"] == "4" and busy["enough_reviews"] == "true" and busy["score"]
    assert busy["area_code"] == "E06000023" and busy["register_key"] == "water:BW"
    assert suppliers["bad-name"]["name"] == "'=bad"  # no formula in a spreadsheet

    monthly = [row for row in rows_of(client, "monthly") if row["slug"] == "busy-water"]
    assert [row["month"] for row in monthly][:2] == ["2024-01", "2024-02"]
    assert sum(int(row["reviews"]) for row in monthly) == 4
    assert monthly[-1]["reviews_to_date"] == "4" and monthly[-1]["enough_reviews"] == "true"
    assert monthly[0]["enough_reviews"] == "false" and monthly[0]["score"] == ""
    # The last month's end score is close to today's (reviews taken at mid-month).
    assert abs(float(monthly[-1]["score"]) - float(busy["score"])) < 0.1

    aspects = [row for row in rows_of(client, "aspects") if row["slug"] == "busy-water"]
    assert {row["aspect"] for row in aspects} >= {"ease"}
    responsiveness = {row["slug"]: row for row in rows_of(client, "responsiveness")}
    assert responsiveness["busy-water"]["answered"] == "4"
    assert responsiveness["busy-water"]["share_answered"] == "1.0"
    assert rows_of(client, "terms") == []

    document = client.get("/open-data/suppliers.json").get_json()
    assert "CC BY 4.0" in document["licence"] and document["licenses"][0]["name"] == "CC-BY-4.0"
    silent = next(r for r in document["data"] if r["slug"] == "silent-power")
    assert silent["enough_reviews"] is False and silent["score"] is None
    everything = "".join(
        client.get(f"/open-data/{n}.{f}").get_data(as_text=True)
        for n in NAMES
        for f in ("csv", "json")
    )
    assert "Secret" not in everything and "bwrep" not in everything  # never member data


def test_the_page_lists_every_dataset_with_licence_and_size(
    client: FlaskClient, db_session: Session, frozen_clock: Clock
) -> None:
    populate(db_session, frozen_clock)
    html = client.get("/open-data").get_data(as_text=True)
    assert "CC BY 4.0" in html and "/open-data/datapackage.json" in html
    for name in NAMES:
        assert f'href="/open-data/{name}.csv"' in html and f'href="/open-data/{name}.json"' in html
    assert "bytes" in html or "KB" in html
    assert "Last updated" in html


def test_caching_headers_cors_and_errors(client: FlaskClient, db_session: Session) -> None:
    first = client.get("/open-data/suppliers.csv")
    assert first.headers["ETag"] and "no-cache" in first.headers["Cache-Control"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in first.headers["Link"]
    again = client.get("/open-data/suppliers.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/open-data/nope.csv").status_code == 404
    assert client.get("/open-data/suppliers.xlsx").status_code == 404
    old = client.get("/open-data/reputation.csv")  # the league's download still works
    assert old.status_code == 200 and old.headers["Access-Control-Allow-Origin"] == "*"
    api = client.get("/api/v1/suppliers")
    assert api.headers["Access-Control-Allow-Origin"] == "*"


def test_one_query_per_kind_whatever_the_number_of_suppliers(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    paths = [f"/open-data/{name}.csv" for name in DATASETS]

    def add(how_many: int) -> None:
        for _ in range(how_many):
            supplier = make_supplier(db_session)
            make_review(db_session, make_member(db_session), supplier)
        db_session.commit()

    add(2)
    before = statement_counts(app, client, paths)
    add(12)
    assert statement_counts(app, client, paths) == before
