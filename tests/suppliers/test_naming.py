"""The pure rules: slugs, domains and name similarity (no app, no database)."""

from __future__ import annotations

import pytest

from vrm.suppliers.naming import name_similarity, normalise_domain, normalise_name, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Octopus Energy", "octopus-energy"),
        ("Sainsbury's", "sainsburys"),
        ("HM Revenue & Customs", "hm-revenue-and-customs"),
        ("Ynys Môn", "ynys-mon"),
        ("  --  ", "supplier"),
        ("Ørsted", "orsted"),
        ("Straße & Söhne", "strasse-and-sohne"),
        ("Газпром", "gazprom"),
        ("中国移动", "zhong-guo-yi-dong"),
        ("Ελληνικά Ταχυδρομεία", "ellenika-takhudromeia"),
        ("🙂", "supplier"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_slugs_are_bounded() -> None:
    assert len(slugify("word " * 100)) <= 100
    assert not slugify("word " * 100).endswith("-")


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Octopus.Energy/tariffs?x=1", "octopus.energy"),
        ("WWW.bt.com", "bt.com"),
        ("http://thameswater.co.uk/", "thameswater.co.uk"),
        ("example.org.", "example.org"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_domains_are_normalised(raw: str | None, domain: str | None) -> None:
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        "not a domain",
        "localhost",
        "intranet",
        "ftp://example.org",
        "someone@example.org",
        "192.168.1.1",
        "example.org:8080",
        "-bad-.org",
        "example.123",
        "a" * 64 + ".org",
        "127.0.0.1:5000",
    ],
)
def test_bad_domains_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\w+"):
        normalise_domain(raw)


def test_loopback_with_port_only_when_allowed() -> None:
    assert normalise_domain("http://127.0.0.1:5001/x", allow_loopback=True) == "127.0.0.1:5001"
    assert normalise_domain("localhost:8000", allow_loopback=True) == "localhost:8000"


def test_names_are_compared_without_noise() -> None:
    assert normalise_name("The Octopus Energy Ltd.") == "octopus energy"
    assert normalise_name("Marks & Spencer PLC") == "marks and spencer"
    assert normalise_name("UK") == "uk"  # nothing but noise: keep it rather than nothing


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("octopus energy", "octopus energy", True),
        ("octopus energy", "octopus enrgy", True),
        ("adur", "adur district council", True),
        ("ee", "greene king", False),
        ("barclays", "tesco", False),
        ("three", "thames water", False),
    ],
)
def test_similar_names(a: str, b: str, similar: bool) -> None:
    assert (name_similarity(a, b) >= 0.85) is similar
