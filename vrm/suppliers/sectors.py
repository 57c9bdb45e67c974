"""The curated sector list. Codes are stable (they appear in URLs and open data)."""

from __future__ import annotations

SECTORS: dict[str, str] = {
    "energy": "Energy",
    "water": "Water",
    "telecoms": "Telecoms and broadband",
    "banking": "Banking",
    "insurance": "Insurance",
    "retail": "Retail",
    "online-services": "Online services",
    "transport": "Transport",
    "housing": "Housing",
    "council-services": "Council services",
    "health": "Health",
    "social-care": "Social care",
    "tax-and-benefits": "Tax and benefits",
    "education": "Education",
    "police-and-justice": "Police and justice",
    "post-and-delivery": "Post and delivery",
    "other": "Other",
}

KINDS: dict[str, str] = {"business": "Business", "public_service": "Public service"}


def sector_name(code: str) -> str:
    return SECTORS.get(code, code)
