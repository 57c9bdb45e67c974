"""One standing report per member, agreement and clause, and public figures counting each
member once per clause: filing again replaces, concurrent filings do not duplicate."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.terms.conftest import login, token
from vrm.db import Base, make_engine
from vrm.members.models import Member
from vrm.models import import_all_models
from vrm.reputation.models import ReputationStats
from vrm.suppliers.models import Supplier
from vrm.terms import agreements, queries, reports
from vrm.terms.models import Agreement, Terms, TermsReport, TermsVersion

URI = "http://localhost/members/alice/terms/v/1.json"


@pytest.fixture
def story(library, make_member, make_supplier, make_rep, publish):
    alice, rep = make_member("alice"), make_member("rep")
    shop = make_supplier("shop")
    make_rep(rep, shop)
    publish(alice)
    offer = agreements.proffer(library, member=alice, supplier=shop)
    agreement = agreements.accept(library, actor=rep, proffer=offer, terms_uri=URI)
    return {"alice": alice, "rep": rep, "shop": shop, "agreement": agreement}


def _file(session, story, *, kept, clause="parley:no-stalking", agreement=None, actor=None):
    return reports.file_report(
        session,
        actor=actor or story["alice"],
        agreement=agreement or story["agreement"],
        clause=clause,
        kept=kept,
        account="Kept." if kept else "Broken.",
    )


def _rows(session: Session) -> int:
    session.flush()  # expiring would drop the reputation handler's unflushed counts
    session.expire_all()
    return session.scalar(select(func.count()).select_from(TermsReport)) or 0


def test_filing_again_on_a_clause_replaces_that_report_and_its_answer(library, story) -> None:
    first = _file(library, story, kept=False)
    reports.answer_report(library, actor=story["rep"], report=first, answer="Sorry.")
    assert queries.terms_kept_counts(library, story["shop"].id) == (0, 1)
    # Another clause is another report: it stands beside the first, never erases it.
    other = _file(library, story, kept=True, clause="parley:retention-limit")
    assert other.id != first.id and _rows(library) == 2
    assert queries.terms_kept_counts(library, story["shop"].id) == (1, 1)
    assert first.answer == "Sorry."
    # The same clause again replaces its report.
    second = _file(library, story, kept=True)
    assert second.id == first.id and _rows(library) == 2
    assert (second.clause, second.kept, second.account) == ("parley:no-stalking", True, "Kept.")
    # The answer was to the broken account; the supplier may answer the new one.
    assert second.answer is None and second.answered_by_id is None
    assert queries.terms_kept_counts(library, story["shop"].id) == (2, 0)
    assert library.get(ReputationStats, story["shop"].id).terms_kept == 2


def test_each_member_counts_once_per_clause_however_many_reports_or_agreements(
    library, story, make_member, publish
) -> None:
    # Duplicates filed before one report stood per agreement: only the newest counts.
    for kept in (False, False, False, True):
        library.add(
            TermsReport(
                agreement_id=story["agreement"].id,
                supplier_id=story["shop"].id,
                clause="parley:no-stalking",
                kept=kept,
                account="Old.",
            )
        )
    library.flush()
    assert queries.terms_kept_counts(library, story["shop"].id) == (1, 0)
    assert len(queries.public_reports(library, story["shop"].id)) == 1
    assert queries.report_counts_by_clause(library, story["shop"].id) == {
        "parley:no-stalking": {"kept": 1, "broken": 0}
    }
    # A second agreement (a new version of alice's terms) is still alice's one voice.
    publish(story["alice"], text="Version two.")
    offer = queries.member_proffers(library, story["alice"].id)[0]
    second = agreements.accept(library, actor=story["rep"], proffer=offer, terms_uri=URI)
    _file(library, story, kept=False, agreement=second)
    assert queries.terms_kept_counts(library, story["shop"].id) == (0, 1)
    # Another member is another voice.
    bob = make_member("bob")
    publish(bob)
    bob_offer = agreements.proffer(library, member=bob, supplier=story["shop"])
    bob_agreement = agreements.accept(library, actor=story["rep"], proffer=bob_offer, terms_uri=URI)
    _file(library, story, kept=True, agreement=bob_agreement, actor=bob)
    assert queries.terms_kept_counts(library, story["shop"].id) == (1, 1)


def test_many_reports_from_the_web_leave_one(client, story, db_session) -> None:
    agreement = story["agreement"]
    login(client, story["alice"])
    csrf = token(client, f"/agreements/{agreement.id}")
    for n in range(6):
        data = {
            "csrf_token": csrf,
            "clause": "parley:no-stalking",
            "kept": "broken",
            "account": f"Report {n}",
        }
        answer = client.post(f"/agreements/{agreement.id}/reports", data=data)
        assert answer.status_code == 303
    assert _rows(db_session) == 1
    assert db_session.scalars(select(TermsReport.account)).one() == "Report 5"
    stats = db_session.get(ReputationStats, story["shop"].id)
    assert (stats.terms_kept, stats.terms_broken) == (0, 1)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Replace your report" in page


def test_concurrent_filings_make_one_report(tmp_path: Path) -> None:
    """Real concurrency needs committed rows, so this uses its own SQLite file."""
    import_all_models()
    engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    Base.metadata.create_all(engine)
    try:
        agreement_id, member_id = _agreement_row(engine)
        start = threading.Barrier(4)
        failures: list[BaseException] = []

        def file(n: int) -> None:
            try:
                with Session(engine) as session:
                    start.wait()
                    reports.file_report(
                        session,
                        actor=session.get_one(Member, member_id),
                        agreement=session.get_one(Agreement, agreement_id),
                        clause="parley:no-stalking",
                        kept=n % 2 == 0,
                        account=f"Report {n}",
                    )
                    session.commit()
            except BaseException as error:  # reported below, in the test's thread
                failures.append(error)

        threads = [threading.Thread(target=file, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not failures
        with Session(engine) as session:
            assert _rows(session) == 1
    finally:
        engine.dispose()


def _agreement_row(engine) -> tuple[int, int]:
    with Session(engine) as session:
        member = Member(handle="alice")
        supplier = Supplier(slug="shop", name="Shop", kind="business", sector="energy")
        session.add_all([member, supplier])
        session.flush()
        terms = Terms(member_id=member.id, status="published", draft={})
        document = {"clauses": [{"clause": "parley:no-stalking", "version": 1}]}
        version = TermsVersion(terms=terms, number=1, document=document, canonical="", sha256="0")
        session.add_all([terms, version])
        session.flush()
        agreement = Agreement(
            member_id=member.id,
            supplier_id=supplier.id,
            terms_version_id=version.id,
            sha256="0",
            receipt_id="r1",
            receipt_jws="x",
        )
        session.add(agreement)
        session.commit()
        return agreement.id, member.id


def test_pages_show_clause_titles_and_one_kept_formula(client, library, story) -> None:
    _file(library, story, kept=False)
    _file(library, story, kept=True, clause="parley:retention-limit")
    library.flush()
    titles = queries.clause_titles(library)
    login(client, story["alice"])
    page = client.get(f"/agreements/{story['agreement'].id}").get_data(as_text=True)
    assert f'<option value="parley:no-stalking">{titles["parley:no-stalking"]}</option>' in page
    assert "<code>parley:no-stalking</code>" not in page
    terms_page = client.get(f"/s/{story['shop'].slug}/terms").get_data(as_text=True)
    assert titles["parley:retention-limit"] in terms_page
    assert "50% (1 of 2 reports say kept" in terms_page
    assert "0% kept" in terms_page and "(0 of 1 report says kept)" in terms_page
    supplier_page = client.get(f"/s/{story['shop'].slug}").get_data(as_text=True)
    assert "50%" in supplier_page and "1 of 2 reports say kept" in supplier_page
