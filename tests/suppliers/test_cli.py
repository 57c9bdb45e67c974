"""`flask suppliers import` and `flask suppliers set-role`, through the CLI runner."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.suppliers.conftest import REGISTER
from vrm.members.models import Member
from vrm.suppliers.models import Supplier


def test_import_shows_progress_and_the_report(app, db_session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["suppliers", "import", str(REGISTER)])
    assert first.exit_code == 0, first.output
    assert "470 created, 0 updated, 0 unchanged" in first.output
    assert "line 7: alt-names" in first.output
    second = runner.invoke(args=["suppliers", "import", str(REGISTER)])
    assert "0 created, 0 updated, 470 unchanged" in second.output
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Supplier)) >= 470


def test_import_of_an_unreadable_file_exits_1_without_a_traceback(app, tmp_path) -> None:
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["suppliers", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1
    assert "cannot read" in missing.output and "Traceback" not in missing.output
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    answer = runner.invoke(args=["suppliers", "import", str(wrong)])
    assert answer.exit_code == 1 and "not the UK local authorities register" in answer.output


def test_set_role(app, db_session) -> None:
    db_session.add(Member(handle="erin"))
    db_session.flush()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["suppliers", "set-role", "erin", "moderator"])
    assert made.exit_code == 0 and "@erin is now a moderator" in made.output
    db_session.expire_all()
    assert db_session.scalar(select(Member).where(Member.handle == "erin")).is_moderator
    assert runner.invoke(args=["suppliers", "set-role", "erin", "member"]).exit_code == 0
    unknown = runner.invoke(args=["suppliers", "set-role", "nobody", "moderator"])
    assert unknown.exit_code == 1 and "no member with the handle" in unknown.output
    bad = runner.invoke(args=["suppliers", "set-role", "erin", "admin"])
    assert bad.exit_code == 2


def test_import_with_rejected_rows_exits_1_after_importing_the_rest(
    app, db_session, tmp_path
) -> None:
    header = REGISTER.read_text().splitlines()[0]
    width = header.count(",") + 1
    good = "ZZZ,Good Test Council,Good Test,E99000001,2001-01-01,,,England,North East,"
    rows = [good + "DIS,District" + "," * (width - 11), ",No Code Council" + "," * (width - 2)]
    path = tmp_path / "some_bad.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    answer = app.test_cli_runner().invoke(args=["suppliers", "import", str(path)])
    assert answer.exit_code == 1, answer.output
    assert "1 created" in answer.output and "1 rows rejected" in answer.output
