"""Proffers and their decisions, standing acceptances, agreements with their receipts,
and kept-or-broken reports. Every write asks a service, which asks the policies."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2

from vrm.db import get_session
from vrm.errors import DomainError, NotAllowed
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.representatives.policies import is_verified_representative
from vrm.suppliers.models import Supplier
from vrm.suppliers.queries import public_supplier
from vrm.terms import agreements, queries, reports
from vrm.terms.blueprint import bp, show_error
from vrm.terms.forms import AnswerForm, ButtonForm, DeclineForm, ReportForm, StandingForm
from vrm.terms.models import Agreement, ClauseVersion, Proffer, StandingAcceptance, TermsReport
from vrm.terms.receipts import receipt_payload

WRITE = limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])


def _button_ok() -> None:
    if not ButtonForm().validate_on_submit():
        abort(400, "That form had expired. Please try again.")


def _supplier_page(
    supplier: Supplier, form: AnswerForm | None = None, answering: int | None = None
) -> str:
    session = get_session()
    return render_template(
        "terms/supplier.html",
        supplier=supplier,
        terms_panel=queries.supplier_terms_context(session, supplier, current_user),
        by_clause=queries.clause_shares(session, supplier.id),
        clause_titles=queries.clause_titles(session),
        reports=queries.public_reports(session, supplier.id),
        answer_form=form or AnswerForm(),
        answering=answering,
    )


@bp.get("/s/<slug>/terms")
def supplier_terms(slug: str) -> str:
    return _supplier_page(public_supplier(get_session(), slug))


@bp.route("/s/<slug>/terms/proffer", methods=["GET", "POST"])
@login_required
@WRITE
def proffer_terms(slug: str) -> Response | tuple[str, int]:
    session = get_session()
    supplier = public_supplier(session, slug)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            agreements.proffer(session, member=current_user, supplier=supplier)
        except DomainError as error:
            session.rollback()
            flash(error.detail, "error")
            return _proffer_page(supplier, form, error.status)
        session.commit()
        flash(f"Your terms are proffered to {supplier.name}.", "success")
        return redirect(url_for("terms.supplier_terms", slug=slug), code=303)
    return _proffer_page(supplier, form, 400 if form.is_submitted() else 200)


def _proffer_page(supplier: Supplier, form: ButtonForm, status: int) -> tuple[str, int]:
    session = get_session()
    context = queries.supplier_terms_context(session, supplier, current_user)
    return render_template(
        "terms/proffer.html", supplier=supplier, terms_panel=context, form=form
    ), status


def _represented(slug: str) -> Supplier:
    session = get_session()
    supplier = public_supplier(session, slug)
    if not is_verified_representative(session, current_user.id, supplier.id):
        raise NotAllowed("Only this supplier's verified representatives can see its proffers.")
    return supplier


def _standing_form(supplier: Supplier) -> StandingForm:
    """Offer every library clause version the supplier does not accept yet."""
    session = get_session()
    taken = {s.clause_version_id for s in queries.standing_acceptances(session, supplier.id)}
    form = StandingForm()
    form.clause_version.choices = [
        SelectChoice(str(v.id), f"{v.title} ({v.identifier} v{v.version})")
        for clause in queries.library(session)
        for v in clause.versions
        if v.id not in taken
    ]
    return form


def _proffers_page(
    supplier: Supplier,
    status: int = 200,
    decline_form: DeclineForm | None = None,
    declining: int | None = None,
    standing_form: StandingForm | None = None,
) -> tuple[str, int]:
    session = get_session()
    pending = queries.pending_proffers(session, supplier.id)
    made = queries.supplier_agreements(session, supplier.id)
    accepted_before = {(a.member_id) for a in made}
    standing = queries.standing_acceptances(session, supplier.id)
    form = standing_form or _standing_form(supplier)
    return render_template(
        "terms/proffers.html",
        supplier=supplier,
        pending=pending,
        accepted_before=accepted_before,
        agreements=made,
        standing=standing,
        standing_form=form,
        decline_form=decline_form or DeclineForm(),
        declining=declining,
        button_form=ButtonForm(),
    ), status


@bp.get("/s/<slug>/terms/proffers")
@login_required
def list_proffers(slug: str) -> tuple[str, int]:
    return _proffers_page(_represented(slug))


def _proffer(supplier: Supplier, proffer_id: int) -> Proffer:
    proffer = get_session().get(Proffer, proffer_id)
    if proffer is None or proffer.supplier_id != supplier.id:
        abort(404, "There is no such proffer for this supplier.")
    return proffer


@bp.post("/s/<slug>/terms/proffers/<int:proffer_id>/accept")
@login_required
@WRITE
def accept_proffer(slug: str, proffer_id: int) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)
    proffer = _proffer(supplier, proffer_id)
    _button_ok()
    version = proffer.terms_version
    uri = url_for(
        "terms.version_json",
        handle=proffer.member.handle,
        number=version.number,
        _external=True,
    )
    agreement = agreements.accept(session, actor=current_user, proffer=proffer, terms_uri=uri)
    session.commit()
    flash(f"Accepted version {version.number} of {proffer.member.handle}'s terms.", "success")
    return redirect(url_for("terms.show_agreement", agreement_id=agreement.id), code=303)


@bp.post("/s/<slug>/terms/proffers/<int:proffer_id>/decline")
@login_required
@WRITE
def decline_proffer(slug: str, proffer_id: int) -> Response | tuple[str, int]:
    session = get_session()
    supplier = public_supplier(session, slug)
    proffer = _proffer(supplier, proffer_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        if not is_verified_representative(session, current_user.id, supplier.id):
            raise NotAllowed("Only this supplier's verified representatives can decline.")
        return _proffers_page(supplier, 400, decline_form=form, declining=proffer.id)
    try:
        agreements.decline(
            session, actor=current_user, proffer=proffer, reason=form.reason.data or ""
        )
    except DomainError as error:
        session.rollback()
        if error.status == 400:
            show_error(form, error, "reason")
            return _proffers_page(supplier, 400, decline_form=form, declining=proffer.id)
        raise
    session.commit()
    flash("Declined. The member sees your reason.", "success")
    return redirect(url_for("terms.list_proffers", slug=slug), code=303)


@bp.post("/s/<slug>/terms/standing")
@login_required
@WRITE
def declare_standing(slug: str) -> Response | tuple[str, int]:
    supplier = _represented(slug)
    session = get_session()
    form = _standing_form(supplier)
    if not form.validate_on_submit():
        form.clause_version.errors = ["Choose a clause version it does not accept yet."]
        return _proffers_page(supplier, 400, standing_form=form)
    version = session.get(ClauseVersion, int(form.clause_version.data))
    if version is None:  # the choices are library versions, which are never deleted
        abort(404, "There is no such clause version.")
    agreements.declare_standing(
        session, actor=current_user, supplier=supplier, clause_version=version
    )
    session.commit()
    flash(f"{supplier.name} now accepts “{version.title}” from every member.", "success")
    return redirect(url_for("terms.list_proffers", slug=slug), code=303)


@bp.post("/s/<slug>/terms/standing/<int:standing_id>/withdraw")
@login_required
@WRITE
def withdraw_standing(slug: str, standing_id: int) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)
    standing = session.get(StandingAcceptance, standing_id)
    if standing is None or standing.supplier_id != supplier.id:
        abort(404, "There is no such standing acceptance.")
    _button_ok()
    agreements.withdraw_standing(session, actor=current_user, standing=standing)
    session.commit()
    flash("That standing acceptance is withdrawn.", "success")
    return redirect(url_for("terms.list_proffers", slug=slug), code=303)


@bp.get("/account/agreements")
@login_required
def my_agreements() -> str:
    session = get_session()
    return render_template(
        "terms/my_agreements.html",
        proffers=queries.member_proffers(session, current_user.id),
        agreements=queries.member_agreements(session, current_user.id),
        version=queries.current_version(session, current_user),
    )


def _clause_choices(agreement: Agreement, titles: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(c, titles.get(c, c)) for c in reports.agreement_clauses(agreement)]


def _agreement_page(
    agreement: Agreement, form: ReportForm | None = None, status: int = 200
) -> tuple[str, int]:
    session = get_session()
    form = form or ReportForm()
    titles = queries.clause_titles(session)
    form.clause.choices = _clause_choices(agreement, titles)
    return render_template(
        "terms/agreement.html",
        agreement=agreement,
        receipt=receipt_payload(agreement.receipt_jws),
        is_member=current_user.id == agreement.member_id,
        is_representative=is_verified_representative(
            session, current_user.id, agreement.supplier_id
        ),
        reports=queries.agreement_reports(session, agreement.id),
        clause_titles=titles,
        form=form,
        answer_form=AnswerForm(),
    ), status


@bp.get("/agreements/<int:agreement_id>")
@login_required
def show_agreement(agreement_id: int) -> tuple[str, int]:
    return _agreement_page(queries.agreement_for_party(get_session(), agreement_id, current_user))


@bp.get("/agreements/<int:agreement_id>/receipt.jws")
def receipt_jws(agreement_id: int) -> Response:
    agreement = queries.agreement_for_party(get_session(), agreement_id, current_user)
    filename = f"parley-receipt-{agreement.receipt_id}.jws"
    return Response(
        agreement.receipt_jws,
        mimetype="application/jose",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/agreements/<int:agreement_id>/receipt.json")
def receipt_json(agreement_id: int) -> Response:
    agreement = queries.agreement_for_party(get_session(), agreement_id, current_user)
    return Response(
        json.dumps(receipt_payload(agreement.receipt_jws), indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Cache-Control": "private, no-store"},
    )


@bp.post("/agreements/<int:agreement_id>/reports")
@login_required
@WRITE
def file_report(agreement_id: int) -> Response | tuple[str, int]:
    session = get_session()
    agreement = queries.agreement_for_party(session, agreement_id, current_user)
    form = ReportForm()
    form.clause.choices = _clause_choices(agreement, queries.clause_titles(session))
    if current_user.id != agreement.member_id:
        raise NotAllowed("Only the member who made this agreement can report on it.")
    if not form.validate_on_submit():
        return _agreement_page(agreement, form, 400)
    reports.file_report(
        session,
        actor=current_user,
        agreement=agreement,
        clause=form.clause.data,
        kept=form.kept.data == "kept",
        account=form.account.data or "",
    )
    session.commit()
    flash("Thank you. Your report is public on the supplier's terms page.", "success")
    return redirect(url_for("terms.show_agreement", agreement_id=agreement.id), code=303)


@bp.post("/terms/reports/<int:report_id>/answer")
@login_required
@WRITE
def answer_report(report_id: int) -> Response | tuple[str, int]:
    session = get_session()
    report = session.get(TermsReport, report_id)
    if report is None:
        abort(404, "There is no such report.")
    supplier = session.get(Supplier, report.supplier_id)
    if supplier is None:  # a report's supplier row is never deleted (foreign key)
        abort(404, "There is no such supplier.")
    form = AnswerForm()
    if not form.validate_on_submit():
        if not is_verified_representative(session, current_user.id, report.supplier_id):
            raise NotAllowed("Only a verified representative of this supplier can answer.")
        return _supplier_page(supplier, form, report.id), 400
    reports.answer_report(session, actor=current_user, report=report, answer=form.answer.data or "")
    session.commit()
    flash("Your answer is public under the report.", "success")
    return redirect(url_for("terms.supplier_terms", slug=supplier.slug), code=303)
