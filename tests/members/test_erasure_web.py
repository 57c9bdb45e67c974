"""Erasing through the account page: at once, "did you mean" on /search and in the API
no longer offers the member's words, and the page told them what each choice keeps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import AuthActions, csrf_from
from tests.representatives import factories as make
from vrm.db import get_db
from vrm.members.erasure import ERASURE_CHOICES
from vrm.members.models import Member
from vrm.search import rebuild
from vrm.search.backend import CONFIG_KEY

WORD = "quorblewhisk"
MISSPELT = "quorblewhisc"


@pytest.fixture
def search_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Whoosh's index (its spelling reads segment files; the postgres engine's erasure
    is tested in tests/search/test_backends.py)."""
    base = tmp_path / "search"
    app.config["SEARCH_DIR"] = str(base)
    previous = app.config[CONFIG_KEY]
    app.config[CONFIG_KEY] = "whoosh"
    try:
        yield base
    finally:
        app.config.pop("SEARCH_DIR", None)
        app.config[CONFIG_KEY] = previous


def _reviewer(auth: AuthActions, db_session: Session, app: Flask, base: Path) -> None:
    auth.sign_up("wren")
    wren = db_session.scalar(select(Member).where(Member.handle == "wren"))
    make.review(
        db_session,
        author=wren,
        supplier=make.supplier(db_session, "Acme Energy"),
        body=f"The {WORD} broke twice.",
    )
    db_session.commit()
    rebuild.rebuild(get_db(app).session_factory, base)


def _offered(client) -> tuple[bool, str | None]:
    page = client.get("/search", query_string={"q": MISSPELT}).get_data(as_text=True)
    api = client.get("/api/v1/search", query_string={"q": MISSPELT}).get_json()
    return WORD in page, api["did_you_mean"]


@pytest.mark.parametrize("choice", ["everything", "keep_reviews"])
def test_erased_words_leave_did_you_mean_at_once(
    auth: AuthActions, db_session: Session, app: Flask, search_dir: Path, choice: str
) -> None:
    _reviewer(auth, db_session, app, search_dir)
    assert _offered(auth.client) == (True, WORD), "the index must offer the word first"

    page = auth.client.get("/account").get_data(as_text=True)
    answer = auth.client.post(
        "/account/erase",
        data={"csrf_token": csrf_from(page), "confirm_handle": "wren", "choice": choice},
    )
    assert answer.status_code == 303

    if choice == "everything":
        assert _offered(auth.client) == (False, None)
    else:  # the review stays public, unlinked: its words are still searchable
        assert _offered(auth.client) == (True, WORD)


def test_the_page_says_what_each_choice_keeps_and_removes(auth: AuthActions) -> None:
    auth.sign_up("yara")
    page = auth.client.get("/account").get_data(as_text=True)
    for choice in ERASURE_CHOICES:
        assert choice.label in page.replace("&#34;", '"').replace("&#39;", "'")
    # What each choice keeps, in the words a member reads.
    assert "Nothing you wrote as yourself." in page
    assert "The text, ratings and earlier versions of your live reviews" in page
    assert page.count("your handle (kept only as a keyed digest") == 2
    assert page.count("What you did for others stays, with nothing naming you") == 2
