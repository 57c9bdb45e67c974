"""Pure rules about supplier names and domains: slugs, domain normalisation, similarity.

No Flask, no SQLAlchemy: values in, values out, so they are unit-tested on their own.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

from slugify import slugify as _slugify

SLUG_MAX = 100
SIMILARITY_THRESHOLD = 0.85

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
# Words that say nothing about which organisation is meant ("Octopus Energy Ltd" is
# "Octopus Energy"); dropped before names are compared.
_NOISE_WORDS = {"the", "ltd", "limited", "plc", "llp", "inc", "co", "company", "uk", "group"}


# "&" reads "and"; an apostrophe joins its word ("Sainsbury's" → sainsburys).
_SLUG_REPLACEMENTS = [["&", " and "], ["'", ""], ["’", ""]]


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """Lower-case ASCII words joined by hyphens; "supplier" when nothing is left.

    Every script's letters are transliterated (python-slugify with text-unidecode), not
    dropped: "Ørsted" → orsted, "Газпром" → gazprom, "中国移动" → zhong-guo-yi-dong.
    Suppliers slugged before this rule keep working: the migration c3b1f0a2d9e4 moved
    the slugs that lost letters and left their old ones as redirects.
    """
    slug = _slugify(text, replacements=_SLUG_REPLACEMENTS, lowercase=True)
    slug = slug[:max_length].rstrip("-")
    return slug or "supplier"


def normalise_domain(raw: str | None, *, allow_loopback: bool = False) -> str | None:
    """The bare host of a website ("https://www.Example.org/x" → "example.org").

    ``127.0.0.1:PORT`` (or ``localhost:PORT``) is kept with its port only when loopback
    is allowed — tests serve domain-verification files from a local server. Raises
    ValueError with a message a person can act on.
    """
    text = (raw or "").strip()
    if not text:
        return None
    if "@" in text:
        raise ValueError("Give the website's address, not an email address.")
    if "//" not in text:
        text = "//" + text
    try:
        parts = urlsplit(text.lower())
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise ValueError("That is not a website address we can read.") from exc
    if parts.scheme not in ("", "http", "https"):
        raise ValueError("Give a web address (http or https).")
    host = host.rstrip(".")
    if host in _LOOPBACK_HOSTS:
        if not allow_loopback:
            raise ValueError("Give the supplier's public website, not a local address.")
        return f"{host}:{port}" if port else host
    if port is not None:
        raise ValueError("Give the website without a port number.")
    if host.startswith("www."):
        host = host[4:]
    return _check_hostname(host)


def _check_hostname(host: str) -> str:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ValueError("Give the website's name (like example.org), not an IP address.")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("That website name has characters a domain cannot have.") from exc
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not (labels[-1].isalpha() or labels[-1].startswith("xn--"))
    ):
        raise ValueError("That is not a valid website name. Try something like example.org.")
    return host


def normalise_name(name: str) -> str:
    """A comparison key: accents, case, punctuation and legal suffixes removed."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.replace("&", " and ")).split()
    kept = [word for word in words if word not in _NOISE_WORDS]
    return " ".join(kept or words)


def name_similarity(a: str, b: str) -> float:
    """How alike two normalised names are, from 0 to 1.

    Equal names score 1; one name found word-for-word inside the other (e.g. "adur"
    in "adur district council") scores 0.9; otherwise difflib's ratio, computed only
    when its cheap upper bounds could reach the threshold.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 3 and f" {shorter} " in f" {longer} ":
        return 0.9
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    if matcher.quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    return matcher.ratio()
