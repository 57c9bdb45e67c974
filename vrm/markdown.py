"""Members' Markdown to safe HTML: markdown-it renders (raw HTML off), nh3 sanitises.

Two layers on purpose: markdown-it with html=False never emits a member's tags, and
nh3 (Ammonia) removes anything that slips through and sets rel on every link.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.disable(["image"])  # images would be third-party requests from our pages

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render(source: str) -> str:
    """Render Markdown to sanitised HTML; links get rel="nofollow ugc noopener"."""
    html = _renderer.render(source)
    # Members' headings must not outrank the page's own structure.
    for level in ("1", "2"):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
