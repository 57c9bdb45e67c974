"""The suppliers part of the reading API, and its OpenAPI description."""

from __future__ import annotations

import pytest

from vrm.suppliers import service
from vrm.suppliers.models import Area


def test_supplier_json_shape(client, db_session, make_supplier) -> None:
    region = Area(code="region:test-region", name="Test Region", kind="region")
    area = Area(code="E99000042", name="Testborough", kind="local_authority", parent=region)
    db_session.add_all([region, area])
    db_session.flush()
    parent = make_supplier("Test Department", kind="public_service", sector="other")
    make_supplier(
        "Test Agency",
        kind="public_service",
        sector="transport",
        website_domain="agency.example.org",
        aliases=["TA"],
        description="Licences.",
        area_id=area.id,
        parent_id=parent.id,
    )
    answer = client.get("/api/v1/suppliers/test-agency")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    created_at = body.pop("created_at")
    assert created_at.startswith("20")
    assert body == {
        "slug": "test-agency",
        "name": "Test Agency",
        "kind": "public_service",
        "sector": "transport",
        "sector_name": "Transport",
        "area": {"code": "E99000042", "name": "Testborough", "region": "Test Region"},
        "website_domain": "agency.example.org",
        "description": "Licences.",
        "aliases": ["TA"],
        "parent": "test-department",
        "replaced_by": None,
        "ended_on": None,
        "url": "http://localhost/s/test-agency",
    }


def test_list_paginates_and_filters(client, make_supplier) -> None:
    for number in range(7):
        make_supplier(f"Api Shop {number}", sector="retail")
    make_supplier("Api Service", kind="public_service", sector="health")
    first = client.get("/api/v1/suppliers?sector=retail&per_page=5").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 5, 7)
    assert [item["name"] for item in first["items"]] == [f"Api Shop {n}" for n in range(5)]
    assert first["next"] == "http://localhost/api/v1/suppliers?sector=retail&page=2&per_page=5"
    second = client.get(first["next"]).get_json()
    assert [item["name"] for item in second["items"]] == ["Api Shop 5", "Api Shop 6"]
    assert second["next"] is None
    kinds = client.get("/api/v1/suppliers?kind=public_service&q=api").get_json()
    assert [item["slug"] for item in kinds["items"]] == ["api-service"]


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "per_page=1000",
        "per_page=-1",
        "kind=charity",
        "sector=x",
        "area=nowhere",
    ],
)
def test_bad_parameters_are_a_400_problem(client, query) -> None:
    answer = client.get(f"/api/v1/suppliers?{query}")
    assert answer.status_code == 400
    assert answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["status"] == 400 and body["detail"]


def test_merged_is_301_unknown_404_removed_410(client, db_session, make_supplier, make_member):
    mod = make_member("moddy", role="moderator")
    old, new = make_supplier("Old Api Co"), make_supplier("New Api Co")
    gone = make_supplier("Gone Api Co")
    service.merge_suppliers(db_session, moderator=mod, source=old, target=new)
    service.remove_supplier(db_session, moderator=mod, supplier=gone, reason="Not a real company")
    moved = client.get("/api/v1/suppliers/old-api-co")
    assert moved.status_code == 301 and moved.headers["Location"] == "/api/v1/suppliers/new-api-co"
    missing = client.get("/api/v1/suppliers/no-such-co")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    removed = client.get("/api/v1/suppliers/gone-api-co")
    assert removed.status_code == 410 and "Not a real company" in removed.get_json()["detail"]
    listed = client.get("/api/v1/suppliers?q=api+co").get_json()
    assert [item["slug"] for item in listed["items"]] == ["new-api-co"]


def test_openapi_describes_the_supplier_paths(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/suppliers"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "page",
        "per_page",
        "kind",
        "sector",
        "area",
    }
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SupplierPage"
    }
    one = document["paths"]["/suppliers/{slug}"]["get"]
    assert set(one["responses"]) == {"200", "301", "404", "410"}
    schemas = document["components"]["schemas"]
    assert {"Supplier", "SupplierPage", "SupplierArea", "Problem"} <= set(schemas)
    assert set(schemas["Supplier"]["properties"]) >= {
        "slug",
        "name",
        "kind",
        "sector",
        "sector_name",
        "area",
        "website_domain",
        "description",
        "aliases",
        "parent",
        "replaced_by",
        "ended_on",
        "url",
        "created_at",
    }
