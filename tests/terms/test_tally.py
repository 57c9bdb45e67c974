"""The clause tally kept on write (vrm/terms/tally.py) always equals a fresh count, and a
supplier page reads it without touching the proffers."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import delete, event, select

from vrm.errors import Conflict
from vrm.members.service import erase_member
from vrm.schema import complete_data
from vrm.terms import agreements, queries, service, tally
from vrm.terms.models import ClauseTally, ClauseTallyLock, Proffer

URI = "http://localhost/members/x/terms/v/1.json"
CHOICES = [
    [{"clause": "parley:no-stalking", "version": 1}],
    [
        {"clause": "parley:no-stalking", "version": 1},
        {"clause": "parley:retention-limit", "version": 1, "parameters": {"retention_days": 30}},
    ],
    [{"clause": "parley:retention-limit", "version": 1, "parameters": {"retention_days": 90}}],
]


def stored(session, supplier_id):
    return {
        row.clause: {k: getattr(row, k) for k in tally.COUNTS}
        for row in tally.stored(session, supplier_id)
    }


def counted(session, supplier_id):
    return {
        clause: {k: counts[k] for k in tally.COUNTS}
        for clause, counts in tally.count(session, supplier_id).items()
    }


@pytest.mark.parametrize("seed", range(3))
def test_kept_tally_equals_a_fresh_count_after_every_kind_of_write(
    app, library, make_member, make_supplier, make_rep, publish, seed
) -> None:
    rng = random.Random(seed)
    members = [make_member(f"m{seed}x{i}") for i in range(5)]
    suppliers = [make_supplier(f"s{seed}x{i}") for i in range(3)]
    reps = [make_member(f"r{seed}x{i}") for i in range(3)]
    for rep, supplier in zip(reps, suppliers, strict=True):
        make_rep(rep, supplier)
    for step in range(60):
        member = rng.choice(members)
        action = rng.choice(["publish", "proffer", "proffer", "accept", "decline", "withdraw"])
        try:
            if step == 45:
                with app.app_context():  # the retired handle's digest is keyed by a setting
                    erase_member(library, members.pop(0))
            elif action == "publish":
                publish(member, items=rng.choice(CHOICES), text=f"step {step}")
            elif action == "proffer":
                agreements.proffer(library, member=member, supplier=rng.choice(suppliers))
            elif action == "withdraw":
                service.withdraw(library, actor=member, member=member)
            else:
                pending = library.scalars(select(Proffer).where(Proffer.status == "pending")).all()
                if not pending:
                    continue
                offer = rng.choice(pending)
                rep = reps[suppliers.index(offer.supplier)]
                if action == "accept":
                    agreements.accept(library, actor=rep, proffer=offer, terms_uri=URI)
                else:
                    agreements.decline(library, actor=rep, proffer=offer, reason="Not now.")
        except Conflict:
            continue  # nothing to proffer, already proffered, already decided: no change
        for supplier in suppliers:
            assert stored(library, supplier.id) == counted(library, supplier.id), (step, action)
    assert any(stored(library, s.id) for s in suppliers)


def test_the_page_tally_reads_the_kept_rows_not_the_proffers(library, story_like) -> None:
    shop = story_like
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = library.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        rows = queries.clause_tally(library, shop.id)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert rows and rows[0]["title"]  # titles, not identifiers
    assert not any("terms_proffer" in statement for statement in seen)
    assert not any("terms_agreement" in statement for statement in seen)


@pytest.fixture
def story_like(library, make_member, make_supplier, publish):
    shop = make_supplier("tallyshop")
    for i in range(3):
        member = make_member(f"asker{i}")
        publish(member, items=CHOICES[i])
        agreements.proffer(library, member=member, supplier=shop)
    return shop


def test_db_upgrade_fills_tallies_of_suppliers_proffered_to_before(library, story_like) -> None:
    shop = story_like
    before = stored(library, shop.id)
    library.execute(delete(ClauseTally))
    library.execute(delete(ClauseTallyLock))
    assert stored(library, shop.id) == {}
    lines = complete_data(library)
    assert stored(library, shop.id) == before
    assert any("Terms tallies filled in for" in line for line in lines)
    assert not any("Terms tallies" in line for line in complete_data(library))
