"""Loading the real register of UK local authorities (a copy in tests/data)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.suppliers.conftest import REGISTER
from vrm.suppliers.importer import import_register
from vrm.suppliers.models import Area, Supplier, SupplierAlias
from vrm.suppliers.register import RegisterUnreadable, read_register

HEADER = (
    "local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,"
    "nation,region,local-authority-type-name,alt-names,pop-2020\n"
)


def council(db_session, code: str) -> Supplier:
    found = db_session.scalar(select(Supplier).where(Supplier.register_key == f"la:{code}"))
    assert found is not None, code
    return found


def test_the_register_loads_current_and_abolished_councils(db_session) -> None:
    report = import_register(db_session, REGISTER)
    assert (report.created, report.updated, report.unchanged) == (470, 0, 0)
    assert (report.current, report.abolished) == (397, 73)
    assert report.rejected == []
    adur = council(db_session, "ADU")
    assert (adur.name, adur.kind, adur.sector, adur.ended_on) == (
        "Adur District Council",
        "public_service",
        "council-services",
        None,
    )
    assert adur.website_domain is None
    assert [a.name for a in adur.aliases] == ["Adur"]
    assert (adur.area.code, adur.area.kind) == ("E07000223", "local_authority")
    assert (adur.area.parent.code, adur.area.parent.kind) == ("region:south-east", "region")
    assert adur.area.parent.parent.code == "nation:england"
    # Scotland's "region" is the nation itself: no separate region area.
    assert council(db_session, "ABE").area.parent.code == "nation:scotland"


def test_abolished_councils_link_to_what_replaced_them(db_session) -> None:
    import_register(db_session, REGISTER)
    aylesbury = council(db_session, "AYL")
    assert aylesbury.ended_on == dt.date(2020, 3, 31)
    assert aylesbury.replaced_by is council(db_session, "BUC")
    cumbria = council(db_session, "CMA")  # replaced by two: CBD and WAF
    assert cumbria.replaced_by is council(db_session, "CBD")
    assert "Westmorland and Furness Council" in cumbria.description
    # Abolished Northern Irish councils have no GSS code; they get an area all the same.
    assert council(db_session, "NIR-A").area.code == "la:NIR-A"


def test_quoted_commas_and_mis_encoded_names(db_session) -> None:
    report = import_register(db_session, REGISTER)
    abc = council(db_session, "ABC")
    assert abc.name == "Armagh City, Banbridge and Craigavon Borough Council"
    assert [a.name for a in abc.aliases] == ["Armagh City, Banbridge and Craigavon"]
    swansea = {a.name for a in council(db_session, "SWA").aliases}
    assert "City and County of Swansea" in swansea  # a mangled space repaired
    anglesey = {a.name for a in council(db_session, "AGY").aliases}
    assert not any("ï¿½" in name or "\ufffd" in name for name in anglesey)
    assert {w.line for w in report.warnings} == {7, 394}


def test_a_second_run_changes_nothing(db_session) -> None:
    import_register(db_session, REGISTER)
    counts = [
        db_session.scalar(select(func.count()).select_from(m))
        for m in (Supplier, Area, SupplierAlias)
    ]
    again = import_register(db_session, REGISTER)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 470)
    assert [
        db_session.scalar(select(func.count()).select_from(m))
        for m in (Supplier, Area, SupplierAlias)
    ] == counts


def test_a_changed_row_is_updated_in_place(db_session, tmp_path) -> None:
    path = tmp_path / "small.csv"
    path.write_text(
        HEADER + "AAA,Old Name Council,Old,E99000001,,,,England,North East,District,,\n"
    )
    assert import_register(db_session, path).created == 1
    path.write_text(
        HEADER + 'AAA,New Name Council,New,E99000001,,,,England,North East,District,"New,Newer",\n'
    )
    report = import_register(db_session, path)
    assert (report.created, report.updated) == (0, 1)
    renamed = council(db_session, "AAA")
    assert renamed.name == "New Name Council"
    assert [a.name for a in renamed.aliases] == ["New", "Newer"]


def test_broken_rows_are_rejected_with_line_numbers(db_session, tmp_path) -> None:
    rows = [
        "AAA,Good Council,Good,E99000001,2001-01-01,,,England,North East,District,,",
        ",No Code Council,,E99000002,,,,England,North East,District,,",
        "CCC,,,E99000003,,,,England,North East,District,,",
        '"DDD","Quoted, With Comma Council",Quoted,E99000004,,,,Wales,Wales,District,,',
        "EEE,Bad Date Council,Bad,E99000005,2001-13-45,,,England,North East,District,,",
        "FFF,Atlantis Council,Atl,E99000006,,,,Atlantis,,District,,",
        "AAA,Again Council,Again,E99000007,,,,England,North East,District,,",
        "GGG,Short Row",
        "",
        "HHH,Ended Council,Ended,E99000008,,2020-04-01,AAA,England,North East,District,,12.5",
    ]
    path = tmp_path / "broken.csv"
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode())
    report = import_register(db_session, path)
    assert [(p.line, p.message) for p in report.rejected] == [
        (3, "no local-authority-code"),
        (4, "no official-name for CCC"),
        (6, "start-date '2001-13-45' is not a date (YYYY-MM-DD)"),
        (7, "unknown nation 'Atlantis' for FFF"),
        (8, "code AAA was already on line 2"),
        (9, "expected 12 columns, found 2"),
    ]
    assert (report.created, report.current, report.abolished) == (3, 2, 1)
    assert council(db_session, "HHH").replaced_by is council(db_session, "AAA")
    assert council(db_session, "DDD").name == "Quoted, With Comma Council"
    assert "line 3: no local-authority-code" in "\n".join(report.lines())


def test_lines_that_are_not_utf8_are_read_as_cp1252(db_session, tmp_path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        HEADER.encode()
        + "YNM,Cyngor Sir Ynys Môn,Ynys Môn,W99000001,,,,Wales,Wales,Unitary,,\n".encode("cp1252")
    )
    report = import_register(db_session, path)
    assert report.created == 1
    assert council(db_session, "YNM").name == "Cyngor Sir Ynys Môn"
    assert [str(w) for w in report.warnings] == ["line 2: not UTF-8; read as Windows-1252"]


def test_an_unknown_successor_is_a_warning(db_session, tmp_path) -> None:
    path = tmp_path / "orphan.csv"
    path.write_text(HEADER + "OLD,Old Council,Old,E99000009,,2019-01-01,ZZZ,England,,District,,\n")
    report = import_register(db_session, path)
    assert report.created == 1 and council(db_session, "OLD").replaced_by is None
    assert [str(w) for w in report.warnings] == ["line 2: replaced-by ZZZ is not in the register"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"name,website\nOctopus,octopus.energy\n", "no column local-authority-code"),
    ],
)
def test_unreadable_files_raise(tmp_path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(RegisterUnreadable, match=message):
        read_register(path)
    with pytest.raises(RegisterUnreadable, match="cannot read"):
        read_register(tmp_path / "missing.csv")


def test_progress_is_reported_per_row(db_session) -> None:
    steps = []
    import_register(db_session, REGISTER, progress=steps.append)
    assert sum(steps) == 470
