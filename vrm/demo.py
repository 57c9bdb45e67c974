"""Demo data: members a newcomer can sign in as at the local demo provider, real-world
companies and national public services, and (given the register) every UK council.

Idempotent: suppliers carry a ``demo:`` register key and councils an ``la:`` one, so a
second run creates nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.escalation.service import load_register_slugs
from vrm.members.models import Identity, Member
from vrm.members.service import create_member, link_identity
from vrm.settings import PROJECT_ROOT
from vrm.suppliers.importer import import_register
from vrm.suppliers.models import Supplier
from vrm.suppliers.naming import slugify
from vrm.suppliers.service import create_supplier

DEMO_MEMBERS = ("alice", "bob", "carol", "mia")
DEMO_MODERATORS = ("mia",)  # so a newcomer can try merging, removing and approving claims
REGISTER_FILE = "uk_local_authorities.csv"


class DemoSupplier(NamedTuple):
    name: str
    sector: str
    domain: str | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    kind: str = "business"
    parent: str | None = None  # name of another demo supplier, listed before it


COMPANIES = (
    DemoSupplier(
        "Octopus Energy", "energy", "octopus.energy", ("Octopus",), "Gas and electricity supplier."
    ),
    DemoSupplier(
        "British Gas",
        "energy",
        "britishgas.co.uk",
        ("Centrica British Gas",),
        "Gas and electricity supplier, boiler cover and repairs.",
    ),
    DemoSupplier(
        "EDF Energy", "energy", "edfenergy.com", ("EDF",), "Electricity and gas supplier."
    ),
    DemoSupplier("E.ON Next", "energy", "eonnext.com", ("E.ON", "EON"), "Energy supplier."),
    DemoSupplier("OVO Energy", "energy", "ovoenergy.com", ("OVO",), "Energy supplier."),
    DemoSupplier(
        "Thames Water",
        "water",
        "thameswater.co.uk",
        (),
        "Water and sewerage for London and the Thames Valley.",
    ),
    DemoSupplier(
        "Severn Trent",
        "water",
        "stwater.co.uk",
        ("Severn Trent Water",),
        "Water and sewerage in the Midlands.",
    ),
    DemoSupplier(
        "BT",
        "telecoms",
        "bt.com",
        ("British Telecom", "BT Broadband"),
        "Broadband, landlines and TV.",
    ),
    DemoSupplier(
        "Virgin Media",
        "telecoms",
        "virginmedia.com",
        ("Virgin Media O2",),
        "Broadband, TV and mobile.",
    ),
    DemoSupplier(
        "Vodafone UK", "telecoms", "vodafone.co.uk", ("Vodafone",), "Mobile and broadband."
    ),
    DemoSupplier("EE", "telecoms", "ee.co.uk", ("Everything Everywhere",), "Mobile and broadband."),
    DemoSupplier("Three", "telecoms", "three.co.uk", ("Three UK",), "Mobile network."),
    DemoSupplier("Barclays", "banking", "barclays.co.uk", ("Barclays Bank",), "Bank."),
    DemoSupplier("HSBC UK", "banking", "hsbc.co.uk", ("HSBC",), "Bank."),
    DemoSupplier("Lloyds Bank", "banking", "lloydsbank.com", ("Lloyds",), "Bank."),
    DemoSupplier("NatWest", "banking", "natwest.com", ("National Westminster Bank",), "Bank."),
    DemoSupplier("Monzo", "banking", "monzo.com", ("Monzo Bank",), "App-based bank."),
    DemoSupplier(
        "Nationwide Building Society",
        "banking",
        "nationwide.co.uk",
        ("Nationwide",),
        "Building society: current accounts, savings and mortgages.",
    ),
    DemoSupplier("Aviva", "insurance", "aviva.co.uk", (), "Insurance, pensions and savings."),
    DemoSupplier("Direct Line", "insurance", "directline.com", (), "Car and home insurance."),
    DemoSupplier("Admiral", "insurance", "admiral.com", ("Admiral Insurance",), "Car insurance."),
    DemoSupplier("Tesco", "retail", "tesco.com", ("Tesco Stores",), "Supermarket."),
    DemoSupplier("Sainsbury's", "retail", "sainsburys.co.uk", ("Sainsburys",), "Supermarket."),
    DemoSupplier("Argos", "retail", "argos.co.uk", (), "Catalogue and online retailer."),
    DemoSupplier("Amazon UK", "online-services", "amazon.co.uk", ("Amazon",), "Online retailer."),
    DemoSupplier(
        "Avanti West Coast",
        "transport",
        "avantiwestcoast.co.uk",
        ("Avanti",),
        "Trains between London, the Midlands, the North West and Scotland.",
    ),
    DemoSupplier("National Express", "transport", "nationalexpress.com", (), "Coaches."),
    DemoSupplier("easyJet", "transport", "easyjet.com", ("easy Jet",), "Airline."),
    DemoSupplier("Royal Mail", "post-and-delivery", "royalmail.com", (), "Letters and parcels."),
    DemoSupplier("Evri", "post-and-delivery", "evri.com", ("Hermes",), "Parcel delivery."),
)

PUBLIC = "public_service"
PUBLIC_SERVICES = (
    DemoSupplier(
        "HM Revenue & Customs",
        "tax-and-benefits",
        "hmrc.gov.uk",
        ("HMRC",),
        "Taxes, tax credits and Child Benefit.",
        PUBLIC,
    ),
    DemoSupplier(
        "Department for Work and Pensions",
        "tax-and-benefits",
        "dwp.gov.uk",
        ("DWP",),
        "Benefits and pensions.",
        PUBLIC,
    ),
    DemoSupplier(
        "Jobcentre Plus",
        "tax-and-benefits",
        None,
        ("Jobcentre",),
        "Help finding work, and claiming Universal Credit and other benefits.",
        PUBLIC,
        "Department for Work and Pensions",
    ),
    DemoSupplier(
        "Child Maintenance Service",
        "tax-and-benefits",
        None,
        ("CMS",),
        "Arranges child maintenance between separated parents.",
        PUBLIC,
        "Department for Work and Pensions",
    ),
    DemoSupplier(
        "Department for Transport",
        "transport",
        "dft.gov.uk",
        ("DfT",),
        "Transport policy, and the agencies that license drivers and vehicles.",
        PUBLIC,
    ),
    DemoSupplier(
        "Driver and Vehicle Licensing Agency",
        "transport",
        "dvla.gov.uk",
        ("DVLA",),
        "Driving licences, vehicle tax and registration.",
        PUBLIC,
        "Department for Transport",
    ),
    DemoSupplier(
        "Home Office",
        "police-and-justice",
        "homeoffice.gov.uk",
        (),
        "Immigration, passports, policing policy.",
        PUBLIC,
    ),
    DemoSupplier(
        "HM Passport Office",
        "other",
        None,
        ("Passport Office", "HMPO"),
        "Passports for British citizens.",
        PUBLIC,
        "Home Office",
    ),
    DemoSupplier(
        "NHS England",
        "health",
        "england.nhs.uk",
        ("NHS",),
        "Runs the National Health Service in England.",
        PUBLIC,
    ),
    DemoSupplier(
        "NHS 111",
        "health",
        "111.nhs.uk",
        ("111",),
        "Urgent medical help and advice, online or by phone.",
        PUBLIC,
        "NHS England",
    ),
    DemoSupplier(
        "Student Loans Company",
        "education",
        "slc.co.uk",
        ("Student Finance England",),
        "Student loans and grants.",
        PUBLIC,
    ),
)


def default_register_path() -> Path | None:
    """The shared register beside the project, else the copy the tests use."""
    for candidate in (
        PROJECT_ROOT.parent / "shared" / "data" / REGISTER_FILE,
        PROJECT_ROOT / "tests" / "data" / REGISTER_FILE,
    ):
        if candidate.is_file():
            return candidate
    return None


def seed_terms_demo(session: Session, issuer: str) -> int:
    from vrm.terms.demo import seed_terms_demo as seed_terms

    return seed_terms(session, issuer)


def seed_reviews_demo(session: Session, issuer: str) -> int:
    from vrm.reviews.demo import seed_reviews_demo as seed_reviews

    return seed_reviews(session, issuer)


def seed(session: Session, *, issuer: str, register_path: str | Path | None = None) -> int:
    """Create what is missing; running it twice creates nothing the second time."""
    created = 0
    for handle in DEMO_MEMBERS:
        exists = session.scalar(
            select(Identity).where(Identity.issuer == issuer, Identity.subject == handle)
        )
        if exists is None:
            member = session.scalar(select(Member).where(Member.handle == handle))
            if member is None:
                create_member(session, handle=handle, issuer=issuer, subject=handle)
            else:
                # Seeded before under another demo issuer (another port): link this one.
                link_identity(session, member, issuer=issuer, subject=handle)
            created += 1
    for handle in DEMO_MODERATORS:  # each is one of DEMO_MEMBERS, made just above
        moderator = session.scalar(select(Member).where(Member.handle == handle))
        if moderator is not None:
            moderator.role = "moderator"
    created += _seed_suppliers(session)
    if register_path is not None:
        created += import_register(session, register_path).created
        load_register_slugs(session, register_path)  # councils' GOV.UK pages, for escalation
    created += seed_terms_demo(session, issuer)
    created += seed_reviews_demo(session, issuer)
    return created


def _seed_suppliers(session: Session) -> int:
    created = 0
    by_name: dict[str, Supplier] = {}
    for demo in (*COMPANIES, *PUBLIC_SERVICES):
        key = f"demo:{slugify(demo.name)}"
        supplier = session.scalar(select(Supplier).where(Supplier.register_key == key))
        if supplier is None:
            parent = by_name.get(demo.parent) if demo.parent else None
            supplier = create_supplier(
                session,
                actor=None,
                name=demo.name,
                kind=demo.kind,
                sector=demo.sector,
                website_domain=demo.domain,
                description=demo.description,
                aliases=demo.aliases,
                parent_id=parent.id if parent else None,
                register_key=key,
            )
            created += 1
        by_name[demo.name] = supplier
    return created
