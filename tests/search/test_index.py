"""Search over suppliers and reviews, kept in step with the database, on every engine
(the search_backend fixture runs each test once per engine)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.search.factories import make_area, make_member, make_review, make_supplier
from vrm import signals
from vrm.reviews.service import withdraw_review
from vrm.search import searching
from vrm.search.models import SearchOutbox
from vrm.search.present import segments_html
from vrm.suppliers.service import merge_suppliers

Find = Callable[..., searching.SearchResults]
Suggest = Callable[[str], list[str]]


def keys(results: searching.SearchResults) -> list[str]:
    return [f"{h.doc_type}:{h.doc_id}" for h in results.hits]


def test_posted_review_is_found_after_commit_with_stemming(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    supplier = make_supplier(db_session, "Northern Power")
    review = make_review(
        db_session, supplier, title="Billing complaints", body="They overcharged me twice."
    )
    assert find("complaint").total == 0  # not before the commit
    commit()
    assert f"review:{review.id}" in keys(find("complaint"))  # stemmed: complaints ~ complaint
    assert f"review:{review.id}" in keys(find("overcharging"))
    assert db_session.scalar(select(func.count()).select_from(SearchOutbox)) == 0


def test_name_weighs_most(db_session: Session, commit: Callable[[], None], find: Find) -> None:
    named = make_supplier(db_session, "Rapid Broadband", sector="telecoms")
    other = make_supplier(
        db_session, "Slow Lines", sector="telecoms", description="Not rapid at all."
    )
    commit()
    assert keys(find("rapid"))[:2] == [f"supplier:{named.id}", f"supplier:{other.id}"]


def test_aliases_domain_and_area_are_searchable(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    leeds = make_area(db_session, "Leeds")
    supplier = make_supplier(
        db_session,
        "Yorkshire Water Services",
        sector="water",
        website_domain="yorkshirewater.example",
        aliases=["YWS"],
        area_id=leeds.id,
    )
    commit()
    for words in ("yws", "yorkshirewater", "leeds"):
        assert f"supplier:{supplier.id}" in keys(find(words)), words


def test_snippets_escape_markup(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    supplier = make_supplier(db_session, "Scripted Ltd")
    make_review(
        db_session,
        supplier,
        title="<b>Bold</b> title",
        body="Before <script>alert(1)</script> refund after",
    )
    commit()
    hit = find("refund").hits[0]
    html = "".join(str(segments_html(s)) for s in hit.snippets)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>refund</mark>" in html
    assert "<b>" not in str(segments_html(hit.title_segments))


def test_withdrawn_and_hidden_reviews_disappear(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    supplier = make_supplier(db_session, "Gone Ltd")
    author = make_member(db_session)
    withdrawn = make_review(
        db_session, supplier, author=author, title="Withdrawn later", body="zebra one"
    )
    hidden = make_review(db_session, supplier, title="Hidden later", body="zebra two")
    commit()
    assert find("zebra").total == 2
    withdraw_review(db_session, actor=author, review=withdrawn)
    hidden.visibility = "hidden"  # a moderator's decision; the signal says it left the pages
    signals.review_withdrawn.send(hidden, session=db_session)
    commit()
    assert find("zebra").total == 0


def test_words_of_withdrawn_and_hidden_reviews_are_never_offered_as_spellings(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    """A deleted document's words stay in its segment until a merge; "did you mean"
    must not offer them meanwhile (a hidden review's personal data, an erased word)."""
    supplier = make_supplier(db_session, "Spelling Ltd")
    author = make_member(db_session)
    withdrawn = make_review(db_session, supplier, author=author, body="The gloxinian broke.")
    hidden = make_review(db_session, supplier, body="Ask for Mrs Quillaborne.")
    commit()
    assert find("gloxinean").did_you_mean == "gloxinian"
    assert find("quillabarne").did_you_mean == "quillaborne"
    withdraw_review(db_session, actor=author, review=withdrawn)
    hidden.visibility = "hidden"
    signals.review_withdrawn.send(hidden, session=db_session)
    commit()
    assert find("gloxinean").did_you_mean is None
    assert find("quillabarne").did_you_mean is None


def test_removed_supplier_takes_its_reviews_along(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    supplier = make_supplier(db_session, "Vanishing Gas")
    make_review(db_session, supplier, body="quokka story")
    commit()
    assert find("quokka").total == 1
    supplier.visibility = "removed"
    signals.supplier_changed.send(supplier, session=db_session)
    commit()
    assert find("quokka").total == 0 and find("vanishing").total == 0


def test_merge_moves_reviews(db_session: Session, commit: Callable[[], None], find: Find) -> None:
    source = make_supplier(db_session, "Old Name Energy")
    target = make_supplier(db_session, "New Name Energy")
    review = make_review(db_session, source, body="ocelot tale")
    commit()
    merge_suppliers(
        db_session,
        moderator=make_member(db_session, role="moderator"),
        source=source,
        target=target,
    )
    commit()
    assert keys(find("old name", doc_type="supplier")) == [f"supplier:{target.id}"]  # an alias now
    assert [(h.doc_id, h.supplier_id) for h in find("ocelot").hits] == [(review.id, target.id)]


def test_facets_filters_sorts_and_pages(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    energy = make_supplier(db_session, "Alpha Energy")
    council = make_supplier(
        db_session, "Beta Council", kind="public_service", sector="council-services"
    )
    for n in range(3):
        make_review(db_session, energy, title=f"Heron {n}", body="heron sighting", rating=5)
    make_review(db_session, council, title="Heron council", body="heron bins", rating=1)
    commit()
    results = find("heron")
    assert results.total == 4
    assert dict(results.facets["kind"]) == {"business": 3, "public_service": 1}
    assert dict(results.facets["rating_band"]) == {"high": 3, "low": 1}
    assert find("heron", filters={"sector": "council-services"}).total == 1
    assert find("heron", filters={"kind": "PUBLIC_Service"}).total == 1  # as the index spells it
    assert find("heron", doc_type="supplier").total == 0
    paged = find("heron", per_page=3, page=2)
    assert (paged.pages, len(paged.hits), paged.has_prev, paged.has_next) == (2, 1, True, False)
    newest = find("heron", sort="newest").hits[0]
    assert newest.title == "Heron council"
    best = find("heron", sort="reputation").hits[0]
    assert best.supplier_id == energy.id


def test_did_you_mean_and_suggestions(
    db_session: Session, commit: Callable[[], None], find: Find, suggest: Suggest
) -> None:
    supplier = make_supplier(db_session, "Brighton Telecom", sector="telecoms")
    make_review(db_session, supplier, body="Engineer arrived promptly and fixed the broadband")
    commit()
    assert find("brodband").did_you_mean == "broadband"
    assert find("broadband").did_you_mean is None
    assert suggest("brig") == ["Brighton Telecom"]
    assert suggest("brighton tel") == ["Brighton Telecom"]
    assert suggest("b") == []
    assert suggest("brighton t") == ["Brighton Telecom"]


def test_did_you_mean_only_for_words_the_index_has_never_seen(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    supplier = make_supplier(db_session, "Thames Water", sector="water")
    make_review(db_session, supplier, body="The councils answered my complaints about the leak")
    commit()
    assert find("thmes water").did_you_mean == "thames water"  # never the stop word "the"
    assert find("complaint").did_you_mean is None  # found by its stem: nothing to correct
    assert find("council").did_you_mean is None
    assert find('"thmes" leak-free').did_you_mean == '"thames" leak-free'
    for joined in ("well-known", "re-sent", "thmes-watr", "oct,opus", "oct\x01opus", "a-b-c"):
        find(joined)  # never an error, whatever the spelling check makes of it


def test_suggestions_read_names_as_they_were_indexed(
    db_session: Session, commit: Callable[[], None], suggest: Suggest
) -> None:
    make_supplier(db_session, "Sainsbury's Energy", sector="energy")
    make_supplier(db_session, "British Gas", sector="energy")
    commit()
    assert suggest("sainsbury's") == ["Sainsbury's Energy"]
    assert suggest("british g") == ["British Gas"]
    assert suggest("British  GAS ") == ["British Gas"]


def test_when_no_result_has_every_word_those_with_some_are_shown(
    db_session: Session, commit: Callable[[], None], find: Find
) -> None:
    supplier = make_supplier(db_session, "Brighton Telecom", sector="telecoms")
    make_review(db_session, supplier, body="Engineer fixed the broadband")
    commit()
    every = find("broadband engineer")
    assert every.total == 1 and not every.any_word
    some = find("broadband zebra")
    assert some.total >= 1 and some.any_word
    assert find("zebra giraffe").total == 0
