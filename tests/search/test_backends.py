"""Choosing the engine, and what only the postgres backend promises: the index is part of
the rows (no outbox, no files; test_two_hosts.py shows every host seeing every write),
counting stops at a bound, erasure leaves no word behind, and it finds what Whoosh finds."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.search.conftest import engines
from tests.search.factories import make_member, make_review, make_supplier
from vrm import create_app
from vrm.db import get_db
from vrm.reviews.service import withdraw_review
from vrm.schema import alembic_config
from vrm.search import rebuild, searching, sources
from vrm.search.backend import check_backend, default_backend, get_backend
from vrm.search.models import SearchOutbox
from vrm.search.postgres import backend as pg_backend
from vrm.search.postgres import indexing
from vrm.search.postgres.terms import Term, edit_distance, terms
from vrm.search.searching import SearchRequest
from vrm.settings import Settings, SettingsError

needs_postgres = pytest.mark.skipif(
    "postgres" not in engines(), reason="the postgres backend needs PostgreSQL"
)
BEFORE_BOUNDED = "9d4a6b2c8e15"  # the revision before bounded ranking (postgres search)

# -- pure -----------------------------------------------------------------------------------


def test_words_and_phrases_become_terms() -> None:
    assert terms('meter "late refund" said "x" ') == [
        Term("meter"),
        Term("late refund", phrase=True),
        Term("said"),
        Term("x"),
    ]
    assert terms("") == [] and terms('""') == []


def test_edit_distance() -> None:
    assert edit_distance("brodband", "broadband") == 1
    assert edit_distance("thmes", "thames") == 1
    assert edit_distance("wter", "water", limit=1) == 1
    assert edit_distance("abc", "xyzabc") == 3  # more than the limit


# -- choosing -------------------------------------------------------------------------------


def test_the_default_engine_follows_the_database() -> None:
    assert default_backend("sqlite:///x.db") == "whoosh"
    assert default_backend("postgresql+psycopg://h/db") == "postgres"
    assert check_backend("whoosh", "postgresql+psycopg://h/db") == "whoosh"
    with pytest.raises(SettingsError, match="one of whoosh, postgres"):
        check_backend("elastic", "sqlite:///x.db")


def test_a_postgres_backend_on_sqlite_stops_the_start(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"PARLEY_SEARCH_BACKEND": "postgres", "PARLEY_INSTANCE_PATH": str(tmp_path)},
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        testing=True,
    )
    assert settings.search_backend == "postgres"
    with pytest.raises(SettingsError, match="needs a PostgreSQL database"):
        create_app(settings)


# -- the postgres backend -------------------------------------------------------------------


@pytest.fixture
def postgres(app: Flask, db_session: Session) -> Iterator[None]:
    previous = app.config["SEARCH_BACKEND"]
    app.config["SEARCH_BACKEND"] = "postgres"
    try:
        yield
    finally:
        app.config["SEARCH_BACKEND"] = previous


@needs_postgres
def test_no_outbox_and_no_files(
    app: Flask, db_session: Session, commit: Callable[[], None], postgres: None, tmp_path: Path
) -> None:
    app.config["SEARCH_DIR"] = str(tmp_path / "search")
    try:
        supplier = make_supplier(db_session, "Kingfisher Rail")
        make_review(db_session, supplier, body="the kingfisher service ran late")
        commit()
        with app.app_context():
            assert get_backend().search(db_session, SearchRequest(text="kingfisher")).total == 2
    finally:
        app.config.pop("SEARCH_DIR")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) == 0
    assert not (tmp_path / "search").exists()


@pytest.fixture
def bound_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting stops past 3 matches; 2 heavy-field matches are ranked beside the first 4."""
    monkeypatch.setattr(pg_backend, "COUNT_LIMIT", 3)
    monkeypatch.setattr(pg_backend, "HEAVY_CANDIDATES", 2)


@needs_postgres
def test_counting_stops_at_the_bound(
    client: FlaskClient,
    db_session: Session,
    commit: Callable[[], None],
    postgres: None,
    bound_of_three: None,
) -> None:
    supplier = make_supplier(db_session, "Plover Water")
    for n in range(5):
        make_review(db_session, supplier, title=f"Plover {n}", body="plover leak")
    commit()
    body = client.get("/api/v1/search?q=plover&type=review").get_json()
    assert (body["total"], body["total_capped"], len(body["results"])) == (3, True, 3)
    html = client.get("/search?q=plover&type=review").get_data(as_text=True)
    assert "More than 3 results" in html
    exact = client.get("/api/v1/search?q=plover&type=review&rating_band=mid").get_json()
    assert exact["total_capped"] is False


@needs_postgres
def test_past_the_bound_a_match_in_a_heavy_field_is_still_ranked(
    app: Flask,
    db_session: Session,
    commit: Callable[[], None],
    postgres: None,
    bound_of_three: None,
) -> None:
    # Only the first COUNT_LIMIT + 1 other matches are ranked; the supplier named by the
    # word is written last, so it is not among them, but its name brings it in.
    other = make_supplier(db_session, "Sandpiper Holdings")
    for n in range(6):
        make_review(db_session, other, title=f"Visit {n}", body="the dunlin came and went")
    commit()
    make_supplier(db_session, "Dunlin Energy")
    commit()
    with app.app_context():
        found = get_backend().search(db_session, SearchRequest(text="dunlin"))
    assert (found.total, found.capped) == (3, True)
    assert (found.hits[0].doc_type, found.hits[0].title) == ("supplier", "Dunlin Energy")


@needs_postgres
def test_phrases_through_their_word_pairs(
    app: Flask, db_session: Session, commit: Callable[[], None], postgres: None
) -> None:
    supplier = make_supplier(db_session, "Whimbrel Water")
    make_review(db_session, supplier, body="The refund of the bill came late, as ever.")
    make_review(db_session, supplier, body="A late bill and no refund.")
    commit()

    def found(text: str) -> int:
        with app.app_context():
            return get_backend().search(db_session, SearchRequest(text=text)).total

    assert found('"bill came late"') == 1  # two pairs
    assert found('"late bill"') == 1
    assert found('"refund of the bill"') == 1  # stop words between: no pair, still found
    assert found('"refund of the bill came"') == 1  # one pair, and the rest checked
    assert found('"the bill"') == 2  # one word once the stop word goes
    assert found('"came bill"') == 0
    assert found('"late bill" refund') == 1  # a phrase and a word
    for hostile in ('"o\'neil \\ x"', "\"a'' & b\"", '"\\\\ \'"', '"x <-> y"'):
        assert found(hostile) == 0  # quoted as lexemes, never read as operators


@needs_postgres
def test_the_bounded_search_migration_fills_existing_rows_and_reverses(
    build_app: Callable[..., Flask], own_schema: str
) -> None:
    config = alembic_config(own_schema)
    command.downgrade(config, BEFORE_BOUNDED)
    app = build_app(own_schema)
    with app.app_context(), get_db(app).session_factory() as session:
        make_review(session, make_supplier(session, "Godwit Gas"), body="a slow refund again")
        session.commit()
    command.upgrade(config, "heads")
    with app.app_context(), get_db(app).session_factory() as session:
        assert get_backend().search(session, SearchRequest(text='"slow refund"')).total == 1
        assert get_backend().search(session, SearchRequest(text="godwit")).total == 2
    command.downgrade(config, BEFORE_BOUNDED)
    engine = sa.create_engine(own_schema)
    with engine.connect() as connection:
        columns = sa.inspect(connection).get_columns("search_document")
    engine.dispose()
    assert not {"head", "pairs"} & {c["name"] for c in columns}


@needs_postgres
def test_accents_and_hostile_text(
    app: Flask, db_session: Session, commit: Callable[[], None], postgres: None
) -> None:
    make_supplier(db_session, "Café Crème Énergie", description="A <b>bold</b> & fair tariff")
    commit()
    with app.app_context():
        backend = get_backend()
        found = backend.search(db_session, SearchRequest(text="cafe energie"))
        assert [h.title for h in found.hits] == ["Café Crème Énergie"]
        snippet = "".join(
            t
            for t, _ in backend.search(db_session, SearchRequest(text="tariff")).hits[0].snippets[0]
        )
        assert "bold</b> & fair" in snippet  # what looks like markup stays text
        for hostile in ("a:* & !b", "' OR 1=1 --", "x <-> y", "\\", "café' | 'x"):
            backend.search(db_session, SearchRequest(text=hostile))  # read as words, never an error


@needs_postgres
def test_erasure_leaves_no_word_behind(
    app: Flask, db_session: Session, commit: Callable[[], None], postgres: None
) -> None:
    author = make_member(db_session)
    review = make_review(
        db_session, make_supplier(db_session, "Tern Telecom"), author=author, body="zorbquillword"
    )
    commit()
    words = sa.select(indexing.search_word.c.word).where(
        indexing.search_word.c.word == "zorbquillword"
    )
    assert db_session.scalar(words) == "zorbquillword"
    withdraw_review(db_session, actor=author, review=review)
    commit()
    with app.app_context():
        get_backend().purge_erased()
        assert db_session.scalar(words) is None
        misspelt = get_backend().search(db_session, SearchRequest(text="zorbquillwird"))
        assert misspelt.did_you_mean is None


# -- the same matches as Whoosh ---------------------------------------------------------------

VOCABULARY = "meter refund engineer router tariff boiler letter parcel signal water leak bill"


@needs_postgres
def test_both_engines_find_the_same_documents(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    rng = random.Random(16)
    vocabulary = VOCABULARY.split()
    suppliers = [make_supplier(db_session, f"{word.title()} Supply Co") for word in vocabulary[:4]]
    for n in range(40):
        body = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 9)))
        make_review(db_session, rng.choice(suppliers), title=f"Review {n}", body=body)
    db_session.flush()
    database = get_db(app)
    base = tmp_path / "search"
    rebuild.rebuild(database.session_factory, base)
    indexing.rebuild(db_session, sources.all_documents(database.read_session_factory))
    postgres = pg_backend.PostgresBackend()

    def matches(results: searching.SearchResults) -> set[tuple[str, int]]:
        return {(h.doc_type, h.doc_id) for h in results.hits}

    words = st.sampled_from(vocabulary)
    piece = st.one_of(words, st.tuples(words, words).map(lambda p: f'"{p[0]} {p[1]}"'))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(piece, min_size=1, max_size=3), st.sampled_from([None, "review", "supplier"]))
    def same(pieces: list[str], doc_type: str | None) -> None:
        request = SearchRequest(text=" ".join(pieces), doc_type=doc_type, per_page=500)
        whoosh = searching.search(base, request)
        with app.app_context():
            theirs = postgres.search(db_session, request)
        assert matches(theirs) == matches(whoosh), request.text
        assert (theirs.total, theirs.any_word) == (whoosh.total, whoosh.any_word)
        assert theirs.facets == whoosh.facets

    same()


@needs_postgres
def test_reindex_rewrites_the_rows_and_sync_has_nothing_to_do(
    app: Flask, db_session: Session, commit: Callable[[], None], postgres: None
) -> None:
    from click.testing import CliRunner

    from vrm.search.cli import search_group

    make_supplier(db_session, "Grebe Gas")
    commit()
    db_session.execute(sa.delete(indexing.search_document))
    with app.app_context():
        assert get_backend().search(db_session, SearchRequest(text="grebe")).total == 0
        result = CliRunner().invoke(search_group, ["reindex"])
        assert result.exit_code == 0 and "into PostgreSQL" in result.output
        assert get_backend().search(db_session, SearchRequest(text="grebe")).total == 1
        synced = CliRunner().invoke(search_group, ["sync"])
    assert synced.exit_code == 0 and "Applied 0 queued changes" in synced.output


@needs_postgres
def test_writes_outside_an_app_context_are_applied_by_sync(
    app: Flask, db_session: Session, postgres: None
) -> None:
    from click.testing import CliRunner

    from vrm.search.cli import search_group

    make_supplier(db_session, "Shrike Post")  # a bare script: no app context, so queued
    db_session.commit()
    with app.app_context():
        assert get_backend().search(db_session, SearchRequest(text="shrike")).total == 0
        synced = CliRunner().invoke(search_group, ["sync"])
        assert synced.exit_code == 0 and "Applied 1 queued changes" in synced.output
        assert get_backend().search(db_session, SearchRequest(text="shrike")).total == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) == 0


@needs_postgres
def test_writers_at_once_wait_for_each_other_but_never_deadlock(
    build_app: Callable[..., Flask], own_schema: str
) -> None:
    # Reviews of one supplier posted from several threads while the supplier itself is
    # edited (which rewrites every review's row): rows are locked in one order.
    import threading

    from vrm import signals
    from vrm.members.models import Member
    from vrm.suppliers.models import Supplier

    app = build_app(own_schema)
    factory = get_db(app).session_factory
    with app.app_context(), factory() as session:
        supplier = make_supplier(session, "Crowded Exchange")
        members = [Member(handle=f"crowd{n}") for n in range(40)]
        session.add_all(members)
        session.commit()
        supplier_id, member_ids = supplier.id, [m.id for m in members]
    problems: list[str] = []

    def post(ids: list[int]) -> None:
        for member_id in ids:
            try:
                with app.app_context(), factory() as session:
                    make_review(
                        session,
                        session.get(Supplier, supplier_id),  # type: ignore[arg-type]
                        author=session.get(Member, member_id),
                        body="the lapwing queue was long",
                    )
                    session.commit()
            except Exception as exc:  # a deadlock would land here
                problems.append(repr(exc))

    def edit() -> None:
        for n in range(10):
            try:
                with app.app_context(), factory() as session:
                    changed = session.get(Supplier, supplier_id)
                    assert changed is not None
                    changed.description = f"Edited {n} times"
                    signals.supplier_changed.send(changed, session=session)
                    session.commit()
            except Exception as exc:
                problems.append(repr(exc))

    threads = [threading.Thread(target=post, args=(member_ids[n::4],)) for n in range(4)]
    threads.append(threading.Thread(target=edit))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert problems == []
    with app.app_context(), factory() as session:
        found = get_backend().search(session, SearchRequest(text="lapwing", per_page=100))
        assert found.total == 40
        assert {h.supplier_name for h in found.hits} == {"Crowded Exchange"}
