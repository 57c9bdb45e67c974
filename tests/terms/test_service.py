"""A member's terms: drafts, publishing frozen versions, withdrawing."""

from __future__ import annotations

import hashlib

import pytest

from tests.terms.conftest import ALICE_ITEMS, counts
from vrm import signals
from vrm.errors import Conflict, NotAllowed
from vrm.terms import agreements, service
from vrm.terms.models import Proffer
from vrm.terms.parley_party import parley_supplier


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"clause": "parley:retention-limit", "version": 1, "parameters": {"retention_days": 0}},
            "from 1 to 3650",
        ),
        (
            {
                "clause": "parley:retention-limit",
                "version": 1,
                "parameters": {"retention_days": 99999},
            },
            "from 1 to 3650",
        ),
        (
            {
                "clause": "parley:contact-channels",
                "version": 1,
                "parameters": {"contact_channels": ["email", "pigeon"]},
            },
            "pigeon",
        ),
        ({"clause": "parley:made-up", "version": 1}, "no such clause"),
        ({"clause": "parley:no-stalking", "version": 7}, "no such clause"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_saved(library, make_member, item, message) -> None:
    alice = make_member("alice")
    before = counts(library)
    with pytest.raises(service.TermsInvalid, match=message) as caught:
        service.save_draft(library, actor=alice, member=alice, items=[item], text="")
    assert caught.value.status == 400
    assert item["clause"] in caught.value.errors
    assert counts(library) == before


def test_empty_terms_are_refused(library, make_member) -> None:
    alice = make_member("alice")
    with pytest.raises(service.TermsInvalid, match="at least one clause"):
        service.save_draft(library, actor=alice, member=alice, items=[], text="  ")
    assert counts(library)["Terms"] == 0


def test_free_text_alone_is_enough(library, make_member) -> None:
    alice = make_member("alice")
    service.save_draft(library, actor=alice, member=alice, items=[], text="Be kind.")
    version = service.publish(library, actor=alice, member=alice)
    assert version.document["clauses"] == [] and version.document["text"] == "Be kind."


def test_only_the_member_edits_their_terms(library, make_member) -> None:
    alice, mallory = make_member("alice"), make_member("mallory")
    with pytest.raises(NotAllowed):
        service.save_draft(library, actor=mallory, member=alice, items=ALICE_ITEMS, text="")
    with pytest.raises(NotAllowed):
        service.publish(library, actor=mallory, member=alice)


def test_publish_freezes_a_numbered_hashed_version(library, make_member, publish) -> None:
    alice = make_member("alice")
    received = []

    def listen(sender, **_):
        received.append(sender)

    signals.terms_published.connect(listen)
    try:
        version = publish(alice, text="Thanks")
    finally:
        signals.terms_published.disconnect(listen)
    assert received == [version]
    assert version.number == 1
    assert version.document["member"] == "alice"
    assert [c["clause"] for c in version.document["clauses"]] == sorted(
        c["clause"] for c in ALICE_ITEMS
    )
    assert hashlib.sha256(version.canonical.encode()).hexdigest() == version.sha256


def test_editing_the_draft_never_changes_a_published_version(library, make_member, publish) -> None:
    alice = make_member("alice")
    first = publish(alice)
    frozen = (first.canonical, first.sha256, dict(first.document))
    service.save_draft(
        library,
        actor=alice,
        member=alice,
        items=[{"clause": "parley:no-stalking", "version": 1}],
        text="changed",
    )
    second = service.publish(library, actor=alice, member=alice)
    library.expire_all()
    assert (first.canonical, first.sha256, first.document) == frozen
    assert second.number == 2 and second.sha256 != first.sha256
    assert not [n for n in dir(service) if n.startswith(("update_version", "edit_version"))]


def test_publishing_the_same_again_is_a_conflict(library, make_member, publish) -> None:
    alice = make_member("alice")
    publish(alice)
    with pytest.raises(Conflict):
        service.publish(library, actor=alice, member=alice)


def test_withdraw_stops_proffers_and_keeps_versions(
    library, make_member, make_supplier, publish
) -> None:
    alice = make_member("alice")
    publish(alice)
    shop = make_supplier("shop")
    offer = agreements.proffer(library, member=alice, supplier=shop)
    service.withdraw(library, actor=alice, member=alice)
    assert offer.status == "withdrawn"
    with pytest.raises(Conflict, match="no published terms"):
        agreements.proffer(library, member=alice, supplier=make_supplier("other"))
    assert service.terms_of(library, alice).latest.number == 1


def test_new_version_is_proffered_again_to_pending_and_accepting_suppliers(
    library, make_member, make_supplier, make_rep, publish
) -> None:
    alice, rep = make_member("alice"), make_member("rep")
    waiting, accepted, declined = (make_supplier(s) for s in ("waiting", "accepted", "declined"))
    make_rep(rep, accepted)
    make_rep(rep, declined)
    publish(alice)
    old_waiting = agreements.proffer(library, member=alice, supplier=waiting)
    agreements.accept(
        library,
        actor=rep,
        proffer=agreements.proffer(library, member=alice, supplier=accepted),
        terms_uri="http://x/terms",
    )
    agreements.decline(
        library,
        actor=rep,
        proffer=agreements.proffer(library, member=alice, supplier=declined),
        reason="No.",
    )
    second = publish(alice, items=[{"clause": "parley:no-stalking", "version": 1}])
    new = library.query(Proffer).filter_by(terms_version_id=second.id).all()
    parley = parley_supplier(library)
    assert {p.supplier_id for p in new} == {waiting.id, accepted.id, parley.id}
    # Parley answers at once (vrm.terms.parley); the others have the new version to decide.
    assert all(p.status == "pending" for p in new if p.supplier_id != parley.id)
    assert old_waiting.status == "superseded"
