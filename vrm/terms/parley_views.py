"""/about/terms: which clauses Parley accepts from its members, and how it kept them."""

from __future__ import annotations

from flask import jsonify, render_template, url_for
from werkzeug.wrappers import Response

from vrm.db import get_session
from vrm.reputation.scoring import Rate, share
from vrm.suppliers.models import Supplier
from vrm.terms import queries
from vrm.terms.blueprint import bp
from vrm.terms.parley import FREE_TEXT_REASON, STANCES, published_stances
from vrm.terms.parley_party import parley_supplier


def _kept() -> tuple[Supplier | None, Rate]:
    session = get_session()
    parley = parley_supplier(session)
    kept = share(*queries.terms_kept_counts(session, parley.id)) if parley else share(0, 0)
    return parley, kept


@bp.get("/about/terms")
def parley_terms() -> str:
    parley, kept = _kept()
    return render_template(
        "terms/parley.html",
        stances=STANCES,
        free_text_reason=FREE_TEXT_REASON,
        clause_titles=queries.clause_titles(get_session()),
        parley=parley,
        kept=kept,
    )


@bp.get("/about/terms.json")
def parley_terms_json() -> Response:
    parley, kept = _kept()
    return jsonify(
        {
            "format": "parley-stance/1",
            "party": {
                "name": "Parley",
                "supplier": parley.slug if parley else None,
            },
            "clauses": published_stances(),
            "free_text": {"accepts": False, "reason": FREE_TEXT_REASON},
            "terms_kept": {"reports": kept.count, "kept": kept.hits, "share": kept.value},
            "page": url_for("terms.parley_terms", _external=True),
        }
    )
