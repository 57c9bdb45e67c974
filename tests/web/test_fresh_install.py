"""A new operator's first commands on an empty database leave a complete Parley."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.suppliers.conftest import REGISTER
from vrm.terms.seed import CLAUSES


def _fresh(build_app, tmp_path: Path) -> Flask:  # type: ignore[no-untyped-def]
    return build_app(f"sqlite:///{tmp_path / 'fresh.db'}")  # type: ignore[no-any-return]


def test_db_upgrade_brings_the_clause_library_once(build_app, tmp_path: Path) -> None:
    app = _fresh(build_app, tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "Migrating the database" in first.output
    assert f"Clause library ready ({len(CLAUSES)} clauses added)." in first.output
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0 and "Clause library ready (0 clauses added)." in again.output
    listed = app.test_client().get("/api/v1/clauses").get_json()["clauses"]
    assert len(listed) == len(CLAUSES)


def test_search_works_on_a_new_database_and_fills_from_an_import(build_app, tmp_path: Path) -> None:
    app = _fresh(build_app, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    client = app.test_client()
    empty = client.get("/search?q=council")
    assert empty.status_code == 200, empty.get_data(as_text=True)
    assert "being rebuilt" not in empty.get_data(as_text=True)
    assert client.get("/api/v1/search?q=council").status_code == 200
    imported = runner.invoke(args=["suppliers", "import", str(REGISTER)])
    assert "470 created" in imported.output
    found = client.get("/search?q=Aberdeenshire")
    assert found.status_code == 200 and 'href="/s/aberdeenshire-council"' in found.get_data(
        as_text=True
    )
    synced = runner.invoke(args=["search", "sync"])
    assert synced.exit_code == 0 and "0 changes waiting." in synced.output


def test_an_import_of_a_new_database_makes_the_index_before_any_search(
    build_app, tmp_path: Path
) -> None:
    app = _fresh(build_app, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    runner.invoke(args=["suppliers", "import", str(REGISTER)])
    assert (Path(app.instance_path) / "search" / "current").exists()
    reindexed = runner.invoke(args=["search", "reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    # Every change was already in the index the import drained into: nothing to replay.
    assert "applied 0 changes made meanwhile" in reindexed.output
    assert runner.invoke(args=["search", "sync"]).output.startswith("0 changes waiting.")
