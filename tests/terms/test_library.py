"""The clause library: seeding, moderators' versions, and immutability."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.terms import library as lib
from vrm.terms.models import Clause, ClauseVersion
from vrm.terms.seed import CLAUSES, seed_library


def test_seed_adds_at_least_ten_clauses_once(db_session) -> None:
    first = seed_library(db_session)
    second = seed_library(db_session)
    assert first == len(CLAUSES) >= 10
    assert second == 0
    assert db_session.scalar(select(func.count()).select_from(Clause)) >= 10


def test_no_stalking_follows_customer_commons(library) -> None:
    version = lib.clause_version(library, "parley:no-stalking", 1)
    assert version is not None and "Customer Commons" in (version.standard or "")


def test_a_new_version_leaves_the_published_one_exactly_as_it_was(library, make_member) -> None:
    moderator = make_member("mod", role="moderator")
    clause = lib.get_clause(library, "parley:retention-limit")
    before = lib.clause_version(library, "parley:retention-limit", 1)
    snapshot = (before.title, before.text, dict(before.parameters), before.published_at)
    new = lib.publish_version(
        library,
        actor=moderator,
        clause=clause,
        title="Keep my data briefly",
        text="Shorter.",
        category="retention",
        parameters={"retention_days": {"type": "int", "min": 1, "max": 365, "label": "Keep"}},
    )
    library.expire_all()
    again = lib.clause_version(library, "parley:retention-limit", 1)
    assert new.version == 2
    assert (again.title, again.text, dict(again.parameters), again.published_at) == snapshot


def test_there_is_no_update_path_for_a_published_version() -> None:
    public = [name for name in dir(lib) if not name.startswith("_")]
    assert not [name for name in public if name.startswith(("update", "edit", "change"))]


def test_only_moderators_add_clauses(library, make_member) -> None:
    with pytest.raises(NotAllowed):
        lib.add_clause(
            library,
            actor=make_member("plain"),
            identifier="parley:x-y",
            title="T",
            text="T",
            category="tracking",
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"identifier": "no colon"}, "identifier"),
        ({"identifier": "parley:no-stalking"}, "identifier"),
        ({"title": " "}, "title"),
        ({"category": "astrology"}, "category"),
        ({"parameters": {"x": {"type": "float"}}}, "parameters"),
    ],
)
def test_bad_clauses_are_refused_at_their_field(library, make_member, fields, field) -> None:
    values = {
        "identifier": "parley:new-one",
        "title": "New",
        "text": "Text",
        "category": "tracking",
        **fields,
    }
    before = library.scalar(select(func.count()).select_from(ClauseVersion))
    with pytest.raises(DomainError) as caught:
        lib.add_clause(library, actor=make_member("mod", role="moderator"), **values)
    assert caught.value.field == field
    if isinstance(caught.value, Conflict):
        assert caught.value.status == 409
    assert library.scalar(select(func.count()).select_from(ClauseVersion)) == before
