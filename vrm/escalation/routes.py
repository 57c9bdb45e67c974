"""The routes onward from a review of a public service — pure: no Flask, no database.

General rules, from the UK's complaints landscape:

- **Start with the body itself.** Every ombudsman asks that the body's own complaints
  procedure is finished first. Its complaints page where Parley knows it; for a council
  from the register, GOV.UK's page that leads to the council's own website.
- **Then the ombudsman for the nation.** Scotland: the Scottish Public Services
  Ombudsman; Wales: the Public Services Ombudsman for Wales; Northern Ireland: the
  Northern Ireland Public Services Ombudsman. England: the Local Government and Social
  Care Ombudsman for councils and adult social care, the Housing Ombudsman for social
  housing, and the Parliamentary and Health Service Ombudsman for UK government
  departments and agencies (through an MP) and the NHS in England. A body with no area is
  a UK government body, so the Parliamentary and Health Service Ombudsman — unless it is
  a council (or council or social-care services) of unknown nation: then all four
  nations' ombudsmen, each saying which nation it covers.
- **A Freedom of Information request** to the body on WhatDoTheyKnow, under the
  Freedom of Information Act 2000, or the Freedom of Information (Scotland) Act 2002 for
  Scottish bodies. The drafted request asks for complaint figures and the procedure, and
  is built from the body alone, never from a review, so it holds no personal data.

Operators add routes per sector (and optionally nation), e.g. the Energy Ombudsman for
energy suppliers; those apply to businesses as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
WHATDOTHEYKNOW = "https://www.whatdotheyknow.com"


@dataclass(frozen=True)
class Body:
    """What the rules need to know about one supplier."""

    name: str
    kind: str  # "public_service" | "business"
    sector: str
    nation: str | None  # None: UK-wide (a national body)
    is_council: bool = False
    complaints_url: str | None = None
    gov_uk_slug: str | None = None
    website_domain: str | None = None


@dataclass(frozen=True)
class OperatorRoute:
    title: str
    url: str
    explanation: str
    nation: str | None = None


@dataclass(frozen=True)
class Route:
    step: str  # "complain" | "ombudsman" | "information" | "operator"
    title: str
    url: str
    explanation: str


@dataclass(frozen=True)
class Ombudsman:
    name: str
    url: str
    explanation: str


SPSO = Ombudsman(
    "Scottish Public Services Ombudsman",
    "https://www.spso.org.uk/",
    "Looks at complaints about Scottish councils, the NHS in Scotland, housing associations, "
    "the Scottish Government and its agencies, once the body's own procedure is finished.",
)
PSOW = Ombudsman(
    "Public Services Ombudsman for Wales",
    "https://www.ombudsman.wales/",
    "Looks at complaints about Welsh councils, the NHS in Wales, housing associations and "
    "the Welsh Government, once the body's own procedure is finished.",
)
NIPSO = Ombudsman(
    "Northern Ireland Public Services Ombudsman",
    "https://nipso.org.uk/",
    "Looks at complaints about councils, health and social care, housing and government "
    "departments in Northern Ireland, once the body's own procedure is finished.",
)
LGSCO = Ombudsman(
    "Local Government and Social Care Ombudsman",
    "https://www.lgo.org.uk/",
    "Looks at complaints about councils in England and about adult social care, free of "
    "charge, once the council's own procedure is finished (usually within 12 months).",
)
HOUSING = Ombudsman(
    "Housing Ombudsman",
    "https://www.housing-ombudsman.org.uk/",
    "Looks at complaints about social landlords in England, councils as landlords included.",
)
PHSO = Ombudsman(
    "Parliamentary and Health Service Ombudsman",
    "https://www.ombudsman.org.uk/",
    "Looks at complaints about UK government departments and their agencies (asked for "
    "through your MP) and about the NHS in England, once the body's own procedure is finished.",
)
DEVOLVED = {"Scotland": SPSO, "Wales": PSOW, "Northern Ireland": NIPSO}
LOCAL_SECTORS = frozenset({"council-services", "social-care", "education", "housing"})
COUNCIL_SECTORS = frozenset({"council-services", "social-care"})


def ombudsmen(body: Body) -> tuple[Ombudsman, ...]:
    """The ombudsmen for a public service, most relevant first; none for a business."""
    if body.kind != "public_service":
        return ()
    if body.nation in DEVOLVED:
        return (DEVOLVED[body.nation],)
    if body.nation is None:
        if body.is_council or body.sector in COUNCIL_SECTORS:
            # A council whose nation Parley does not know: each nation's ombudsman.
            return (LGSCO, SPSO, PSOW, NIPSO)
        return (PHSO,)  # a UK-wide body: a government department or agency
    found: list[Ombudsman] = []
    if body.is_council or body.sector in LOCAL_SECTORS:
        found.append(LGSCO)
    if body.sector == "housing":
        found.append(HOUSING)
    if body.sector == "health":
        found.append(PHSO)
    return tuple(found) or (LGSCO if body.is_council else PHSO,)


def foi_law(body: Body) -> str:
    if body.nation == "Scotland":
        return "Freedom of Information (Scotland) Act 2002"
    return "Freedom of Information Act 2000"


def foi_request(body: Body) -> str:
    """A drafted request for complaint figures. Built from the body alone: no review, no
    writer, no personal data of anyone."""
    watchdog = ombudsmen(body)
    onward = watchdog[0].name if watchdog else "an ombudsman"
    return (
        f"Dear {body.name},\n\n"
        f"Under the {foi_law(body)}, please send me the following information about "
        "complaints made to you in each of the last three complete financial years:\n\n"
        "1. How many complaints you received.\n"
        "2. How many you upheld in full or in part.\n"
        "3. How many you answered within your published target time, and what that "
        "target is.\n"
        f"4. How many complainants took their complaint on to the {onward}, and how many "
        "of those were upheld.\n"
        "5. A copy of your current complaints procedure.\n\n"
        "Please send the figures in an open, reusable format such as a spreadsheet (CSV) "
        "where you can.\n\n"
        "Yours faithfully,"
    )


def whatdotheyknow_url(body: Body) -> str:
    """WhatDoTheyKnow's authority finder, searching for the body by its register name."""
    return f"{WHATDOTHEYKNOW}/select_authority?{urlencode({'query': body.name})}"


def own_complaints(body: Body) -> Route | None:
    if body.complaints_url:
        return Route(
            "complain",
            f"Complain to {body.name}",
            body.complaints_url,
            f"{body.name}'s own complaints page. Ombudsmen ask you to finish this first.",
        )
    if body.gov_uk_slug:
        return Route(
            "complain",
            f"Find {body.name}'s complaints procedure",
            f"https://www.gov.uk/find-local-council/{quote(body.gov_uk_slug)}",
            "GOV.UK's page for this council leads to its own website and complaints "
            "procedure. Ombudsmen ask you to finish the council's procedure first.",
        )
    if body.website_domain:
        return Route(
            "complain",
            f"Complain to {body.name}",
            f"https://{body.website_domain}/",
            f"Start with {body.name}'s own complaints procedure, on its website. Ombudsmen "
            "ask you to finish it first.",
        )
    return None


def routes_for(body: Body, extra: Sequence[OperatorRoute] = ()) -> list[Route]:
    """Every route onward, in the order a person would take them."""
    routes: list[Route] = []
    if body.kind == "public_service":
        first = own_complaints(body)
        if first is not None:
            routes.append(first)
        routes.extend(
            Route("ombudsman", ombudsman.name, ombudsman.url, ombudsman.explanation)
            for ombudsman in ombudsmen(body)
        )
    for route in extra:
        if route.nation is None or route.nation == body.nation:
            routes.append(Route("operator", route.title, route.url, route.explanation))
    if body.kind == "public_service":
        routes.append(
            Route(
                "information",
                f"Ask {body.name} for information",
                whatdotheyknow_url(body),
                f"A Freedom of Information request on WhatDoTheyKnow, under the "
                f"{foi_law(body)}: the request and the answer are published there. "
                "A drafted request is below; it holds nothing about you.",
            )
        )
    return routes
