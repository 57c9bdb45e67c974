"""Feeds as Atom (RFC 4287), pure: frozen dataclasses in, XML bytes out, via feedgen.

Entry ids are tag URIs (RFC 4151) built from the site's host, the day the thing was
first published and what it is ("review/12"), so an entry keeps its id however often
its text is edited and whichever feed it appears in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

PUBLISHER = "Parley"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    author: str
    content_html: str  # already sanitised (vrm/markdown.py) or built from escaped parts


@dataclass(frozen=True)
class Feed:
    id: str  # the feed's own URL
    title: str
    subtitle: str
    page_url: str  # the HTML page this feed follows
    entries: Sequence[Entry]
    fallback_updated: dt.datetime  # an empty feed's <updated>: stable, so its ETag is


def tag_uri(host: str, published: dt.date, specific: str) -> str:
    """tag:host,YYYY-MM-DD:specific; the port, not allowed in the authority, is dropped."""
    authority = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return f"tag:{authority.strip('[]') or 'localhost'},{published.isoformat()}:{specific}"


def last_updated(feed: Feed) -> dt.datetime:
    return max((entry.updated for entry in feed.entries), default=feed.fallback_updated)


def render(feed: Feed) -> bytes:
    """The feed as an Atom document, entries in the order given."""
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)
    generator.link(href=feed.page_url, rel="alternate", type="text/html")
    generator.link(href=feed.id, rel="self", type="application/atom+xml")
    generator.author({"name": PUBLISHER})
    generator.updated(_aware(last_updated(feed)))
    generator.generator(PUBLISHER)
    for entry in feed.entries:
        item = generator.add_entry(order="append")
        item.id(entry.id)
        item.title(entry.title)
        item.link(href=entry.link, rel="alternate", type="text/html")
        item.published(_aware(entry.published))
        item.updated(_aware(entry.updated))
        item.author({"name": entry.author})
        item.content(entry.content_html or "<p></p>", type="html")
    return bytes(generator.atom_str(pretty=False))


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
