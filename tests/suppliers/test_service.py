"""The directory's rules, called directly (no Flask)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from vrm import signals
from vrm.activity.models import ActivityEvent
from vrm.errors import Conflict, NotAllowed, NotFound
from vrm.reviews.models import Review
from vrm.suppliers import queries, service
from vrm.suppliers.models import Area, RepresentativeClaim, Supplier, SupplierSlugRedirect
from vrm.watch.models import Watch


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_create_records_an_event_and_sends_the_signal(db_session, make_member) -> None:
    alice = make_member("alice")
    received = []

    def on_created(sender, **kwargs):
        received.append((sender, kwargs["actor"]))

    signals.supplier_created.connect(on_created)
    try:
        supplier = service.create_supplier(
            db_session,
            actor=alice,
            name="  Octopus   Energy ",
            kind="business",
            sector="energy",
            website_domain="https://www.octopus.energy/",
            aliases=["Octopus", "octopus", "Octopus Energy", " "],
        )
    finally:
        signals.supplier_created.disconnect(on_created)
    assert (supplier.name, supplier.slug, supplier.website_domain) == (
        "Octopus Energy",
        "octopus-energy",
        "octopus.energy",
    )
    assert [alias.name for alias in supplier.aliases] == ["Octopus"]
    assert supplier.created_by_id == alice.id
    assert received == [(supplier, alice)]
    event = db_session.scalar(select(ActivityEvent).where(ActivityEvent.supplier_id == supplier.id))
    assert (event.kind, event.actor_id) == ("supplier.created", alice.id)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "x"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "!!!"}, "name"),
        ({"kind": "charity"}, "kind"),
        ({"sector": "gambling"}, "sector"),
        ({"website_domain": "not a domain"}, "website_domain"),
        ({"website_domain": "127.0.0.1:5000"}, "website_domain"),
        ({"description": "x" * 5001}, "description"),
        ({"area_id": 999_999}, "area"),
        ({"area_id": 2**40}, "area"),  # past INTEGER: PostgreSQL would refuse the query
        ({"parent_id": 2**40}, "parent"),
        ({"parent_id": 999_999}, "parent"),
        ({"aliases": ["y" * 201]}, "aliases"),
        ({"aliases": [f"name {n}" for n in range(21)]}, "aliases"),
    ],
)
def test_invalid_details_are_refused_at_their_field(db_session, values, field) -> None:
    before = count(db_session, Supplier)
    draft = {"name": "Valid Name", "kind": "business", "sector": "energy", **values}
    with pytest.raises(service.SupplierError) as refused:
        service.create_supplier(db_session, actor=None, **draft)
    assert refused.value.field == field
    assert refused.value.detail
    assert count(db_session, Supplier) == before


def test_loopback_domain_only_when_allowed(make_supplier) -> None:
    supplier = make_supplier("Local Test Co", website_domain="127.0.0.1:5001", allow_loopback=True)
    assert supplier.website_domain == "127.0.0.1:5001"


def test_slug_clash_adds_the_area_then_a_number(db_session, make_supplier) -> None:
    area = Area(code="E0000TEST", name="Testshire", kind="local_authority")
    db_session.add(area)
    db_session.flush()
    first = make_supplier("Parking Services")
    second = make_supplier("Parking Services", area_id=area.id)
    third = make_supplier("Parking Services", area_id=area.id)
    fourth = make_supplier("Parking Services")
    assert [s.slug for s in (first, second, third, fourth)] == [
        "parking-services",
        "parking-services-testshire",
        "parking-services-2",
        "parking-services-3",
    ]


def test_slug_of_a_redirect_is_not_reused(db_session, make_supplier) -> None:
    kept = make_supplier("Kept Co")
    db_session.add(SupplierSlugRedirect(old_slug="old-name", supplier_id=kept.id))
    assert make_supplier("Old Name").slug == "old-name-2"


def test_likely_duplicates_by_domain_name_and_alias(make_supplier, db_session) -> None:
    octopus = make_supplier("Octopus Energy", website_domain="octopus.energy")
    bt = make_supplier("BT", sector="telecoms", aliases=["British Telecom"])
    adur = make_supplier("Adur District Council", kind="public_service", sector="council-services")
    make_supplier("Tesco", sector="retail")
    dupes = service.likely_duplicates
    assert dupes(db_session, "Something else", "https://www.octopus.energy/") == [octopus]
    assert dupes(db_session, "Octopus Energy Ltd", None) == [octopus]
    assert dupes(db_session, "Octopuss Energy", None) == [octopus]
    assert dupes(db_session, "british telecom", None) == [bt]
    assert dupes(db_session, "Adur", None) == [adur]
    assert dupes(db_session, "Greene King", None) == []


def test_likely_duplicates_skip_merged_and_removed(make_supplier, make_member, db_session):
    mod = make_member("mo", role="moderator")
    gone = make_supplier("Gone Energy")
    service.remove_supplier(db_session, moderator=mod, supplier=gone, reason="Spam entry")
    assert service.likely_duplicates(db_session, "Gone Energy", None) == []


def test_merge_moves_reviews_watches_and_redirects_but_not_claims(
    db_session, make_member, make_supplier, make_review
) -> None:
    mod, ann, ben = make_member("mod", "moderator"), make_member("ann"), make_member("ben")
    source = make_supplier("Octopus Enrgy", aliases=["Octo"])
    target = make_supplier("Octopus Energy")
    child = make_supplier("Octopus Energy Services", parent_id=source.id)
    moved = [make_review(source, ann), make_review(source, ben, status="withdrawn")]
    db_session.add_all(
        [
            RepresentativeClaim(supplier_id=source.id, member_id=ann.id, method="moderator"),
            Watch(member_id=ann.id, supplier_id=source.id, target=f"supplier:{source.id}"),
            Watch(member_id=ben.id, supplier_id=source.id, target=f"supplier:{source.id}"),
            Watch(member_id=ben.id, supplier_id=target.id, target=f"supplier:{target.id}"),
        ]
    )
    db_session.flush()
    seen = []

    def on_merged(sender, **kwargs):
        seen.append((sender, kwargs))

    signals.supplier_merged.connect(on_merged)
    try:
        result = service.merge_suppliers(db_session, moderator=mod, source=source, target=target)
    finally:
        signals.supplier_merged.disconnect(on_merged)
    db_session.expire_all()
    assert sorted(result.moved_review_ids) == sorted(r.id for r in moved)
    assert all(db_session.get(type(r), r.id).supplier_id == target.id for r in moved)
    assert seen[0][0] is source and seen[0][1]["into"] is target
    assert sorted(seen[0][1]["moved_review_ids"]) == sorted(result.moved_review_ids)
    claims = db_session.scalars(select(RepresentativeClaim.supplier_id)).all()
    assert set(claims) == {source.id}  # proved for the source only: rights never move
    watches = db_session.execute(select(Watch.member_id, Watch.supplier_id, Watch.target)).all()
    key = f"supplier:{target.id}"
    assert sorted(watches) == sorted([(ann.id, target.id, key), (ben.id, target.id, key)])
    assert db_session.get(Supplier, child.id).parent_id == target.id
    assert {a.name for a in target.aliases} >= {"Octopus Enrgy", "Octo"}
    assert source.merged_into_id == target.id and source.visibility == "public"
    assert queries.public_by_slug(db_session, source.slug) == (target, target.slug)
    assert db_session.scalar(
        select(SupplierSlugRedirect).where(SupplierSlugRedirect.old_slug == source.slug)
    )
    event = db_session.scalar(select(ActivityEvent).where(ActivityEvent.kind == "supplier.merged"))
    assert event.actor_id == mod.id and event.payload["source_slug"] == source.slug


def test_merge_keeps_both_live_reviews_of_one_author(
    db_session, make_member, make_supplier, make_review
) -> None:
    """A member who reviewed both suppliers keeps both reviews, live and public, on the
    target; the one that came by the merge is marked as such."""
    from vrm.reviews.queries import public_reviews

    mod, ann = make_member("mod", "moderator"), make_member("ann")
    source, target = make_supplier("Dup One"), make_supplier("Dup Two")
    on_source, on_target = make_review(source, ann), make_review(target, ann)
    result = service.merge_suppliers(db_session, moderator=mod, source=source, target=target)
    assert result.moved_review_ids == [on_source.id] and result.kept_review_ids == []
    assert on_source.status == on_target.status == "live"
    assert on_source.supplier_id == target.id and on_source.merged_from_id == source.id
    assert on_target.merged_from_id is None
    public = set(db_session.scalars(public_reviews(db_session).with_only_columns(Review.id)))
    assert {on_source.id, on_target.id} <= public


def test_merge_chain_redirects_to_the_last(db_session, make_member, make_supplier) -> None:
    mod = make_member("mod", "moderator")
    a, b, c = make_supplier("Alpha Co"), make_supplier("Beta Co"), make_supplier("Gamma Co")
    service.merge_suppliers(db_session, moderator=mod, source=a, target=b)
    service.merge_suppliers(db_session, moderator=mod, source=b, target=c)
    assert queries.public_by_slug(db_session, "alpha-co") == (c, "gamma-co")
    assert queries.public_by_slug(db_session, "gamma-co") == (c, None)


def test_merge_refusals(db_session, make_member, make_supplier) -> None:
    mod, ann = make_member("mod", "moderator"), make_member("ann")
    a, b = make_supplier("Alpha Co"), make_supplier("Beta Co")
    with pytest.raises(NotAllowed):
        service.merge_suppliers(db_session, moderator=ann, source=a, target=b)
    with pytest.raises(service.SupplierError, match="different"):
        service.merge_suppliers(db_session, moderator=mod, source=a, target=a)
    service.merge_suppliers(db_session, moderator=mod, source=a, target=b)
    with pytest.raises(Conflict):
        service.merge_suppliers(db_session, moderator=mod, source=a, target=b)
    c = make_supplier("Gamma Co")
    with pytest.raises(service.SupplierError, match="merged or removed"):
        service.merge_suppliers(db_session, moderator=mod, source=c, target=a)


def test_remove_keeps_the_row_with_a_reason(db_session, make_member, make_supplier) -> None:
    mod, ann = make_member("mod", "moderator"), make_member("ann")
    spam = make_supplier("Buy Cheap Watches")
    with pytest.raises(NotAllowed):
        service.remove_supplier(db_session, moderator=ann, supplier=spam, reason="Spam entry")
    with pytest.raises(service.SupplierError) as refused:
        service.remove_supplier(db_session, moderator=mod, supplier=spam, reason="no")
    assert refused.value.field == "reason"
    assert spam.visibility == "public"
    service.remove_supplier(db_session, moderator=mod, supplier=spam, reason="Spam entry")
    assert db_session.get(Supplier, spam.id).visibility_reason == "Spam entry"
    with pytest.raises(queries.SupplierRemoved, match="Spam entry") as gone:
        queries.public_by_slug(db_session, spam.slug)
    assert gone.value.status == 410
    with pytest.raises(Conflict):
        service.remove_supplier(db_session, moderator=mod, supplier=spam, reason="Spam again")


def test_unknown_slug_is_not_found(db_session) -> None:
    with pytest.raises(NotFound):
        queries.public_by_slug(db_session, "no-such-thing")


def test_set_member_role(db_session, make_member) -> None:
    make_member("dora")
    assert service.set_member_role(db_session, handle="Dora", role="moderator").is_moderator
    with pytest.raises(NotFound):
        service.set_member_role(db_session, handle="nobody", role="moderator")
    with pytest.raises(service.DomainError):
        service.set_member_role(db_session, handle="dora", role="admin")


def test_the_same_name_at_the_same_website_is_the_one_already_listed(
    db_session, make_member
) -> None:
    alice = make_member("alice")
    values = {"kind": "business", "sector": "telecoms", "website_domain": "bt.com"}
    first = service.create_supplier(db_session, actor=alice, name="BT", **values)
    with pytest.raises(service.SupplierError) as refused:
        service.create_supplier(db_session, actor=alice, name="bt plc", **values)
    assert refused.value.field == "name" and f"/s/{first.slug}" in refused.value.detail
    # Another brand at the same website, or the same name elsewhere, is a new entry.
    service.create_supplier(db_session, actor=alice, name="BT Sport", **values)
    service.create_supplier(db_session, actor=alice, name="BT", kind="business", sector="telecoms")


def test_merge_leaves_each_feature_to_move_its_own_rows(
    db_session, make_member, make_supplier, make_review
) -> None:
    """Flags a representative raised on the source's behalf now speak for the target,
    moved by the reviews feature's supplier_merging handler: the directory's service
    writes only its own tables."""
    import ast
    from pathlib import Path

    from vrm.reviews.models import ReviewFlag

    mod, ann = make_member("mod", "moderator"), make_member("ann")
    source, target = make_supplier("Flag One"), make_supplier("Flag Two")
    review = make_review(target, ann)
    flag = ReviewFlag(review_id=review.id, flagged_by_id=mod.id, on_behalf_of_supplier_id=source.id,
                      reason="Names a member of staff")  # fmt: skip
    db_session.add(flag)
    db_session.flush()
    service.merge_suppliers(db_session, moderator=mod, source=source, target=target)
    db_session.expire_all()
    assert db_session.get(ReviewFlag, flag.id).on_behalf_of_supplier_id == target.id
    tree = ast.parse(Path(service.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m and m.endswith(".models")} - {
        "vrm.suppliers.models",
        "vrm.members.models",
    }


def test_new_suppliers_get_transliterated_slugs(db_session, make_supplier) -> None:
    assert make_supplier("Ørsted").slug == "orsted"
    assert make_supplier("Газпром").slug == "gazprom"
    assert make_supplier("中国移动").slug == "zhong-guo-yi-dong"
    assert make_supplier("Газпром Нефть").slug == "gazprom-neft"
