"""Terms close the loop: representatives hear of proffers and broken-terms reports, the
member hears whether their terms were accepted or declined."""

from __future__ import annotations

from vrm.notifications.links import link_for
from vrm.notifications.service import notifications_for
from vrm.terms import agreements, queries, reports

URI = "http://localhost/members/alice/terms/v/1.json"


def link(app, note) -> str | None:
    with app.test_request_context():
        return link_for(note)


def kinds(session, member) -> list[str]:
    return [n.kind for n in notifications_for(session, member.id)]


def test_proffers_decisions_and_broken_reports_reach_the_other_side(
    app, library, make_member, make_supplier, make_rep, publish
):
    alice, rep, bystander = make_member("alice"), make_member("rep"), make_member("bystander")
    shop, other = make_supplier("shop", name="Shop"), make_supplier("other", name="Other")
    make_rep(rep, shop)
    publish(alice)
    library.flush()
    # Parley answers at once, as a party to every member's terms (vrm.terms.parley).
    [parley] = notifications_for(library, alice.id)
    assert parley.kind == "terms_accepted"
    assert "Parley accepted 1 of the 3 clauses of version 1 of your terms" in parley.text
    offer = agreements.proffer(library, member=alice, supplier=shop)
    library.flush()
    [note] = notifications_for(library, rep.id)
    assert note.kind == "terms_proffered" and "alice" not in note.text
    assert link(app, note) == "/s/shop/terms/proffers"

    agreement = agreements.accept(library, actor=rep, proffer=offer, terms_uri=URI)
    library.flush()
    accepted, _parley = notifications_for(library, alice.id)
    assert accepted.kind == "terms_accepted" and "Shop accepted version 1" in accepted.text
    assert link(app, accepted) == f"/agreements/{agreement.id}"

    reports.file_report(library, actor=alice, agreement=agreement, clause="parley:no-stalking",
                        kept=True, account="Fine.")  # fmt: skip
    library.flush()
    assert kinds(library, rep) == ["terms_proffered"]  # a kept report needs no answer
    report = reports.file_report(
        library,
        actor=alice,
        agreement=agreement,
        clause="parley:retention-limit",
        kept=False,
        account="No.",
    )
    library.flush()
    broken = notifications_for(library, rep.id)[0]
    title = queries.clause_titles(library)["parley:retention-limit"]
    assert broken.kind == "terms_broken" and title in broken.text
    assert link(app, broken) == f"/s/shop/terms#report-{report.id}"

    other_rep = make_member("other-rep")
    make_rep(other_rep, other)
    declined = agreements.proffer(library, member=alice, supplier=other)
    agreements.decline(library, actor=other_rep, proffer=declined, reason="We cannot log less.")
    library.flush()
    assert kinds(library, alice) == ["terms_declined", "terms_accepted", "terms_accepted"]
    assert "“We cannot log less.”" in notifications_for(library, alice.id)[0].text
    assert kinds(library, rep) == ["terms_broken", "terms_proffered"]
    assert kinds(library, bystander) == []
