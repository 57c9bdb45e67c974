"""One form per use case. Clause choices on the terms composer are parsed by
vrm.terms.composer (their fields depend on the library), the rest is WTForms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2
from wtforms.validators import DataRequired, Length, Optional

from vrm.terms.library import CATEGORIES
from vrm.terms.reports import MAX_ACCOUNT, MAX_ANSWER


class ButtonForm(FlaskForm):
    """A POST-only button: CSRF and nothing else."""


class TermsForm(FlaskForm):
    text = TextAreaField(
        "Anything else, in your own words",
        # No length check here: vrm.terms.service.save_draft checks it together with the
        # clauses, so every problem is reported in one round.
        description="Markdown: *emphasis*, lists and links. Shown publicly with your terms.",
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why the supplier declines",
        validators=[
            DataRequired(message="Give the member a reason."),
            Length(max=1000, message="Keep the reason under 1000 characters."),
        ],
    )


class StandingForm(FlaskForm):
    clause_version = SelectField("Clause")


class ReportForm(FlaskForm):
    clause = SelectField("Which clause", validators=[DataRequired(message="Choose a clause.")])
    kept = RadioField(
        "Did they keep it?",
        choices=[SelectChoice("kept", "Kept"), SelectChoice("broken", "Broken")],
        validators=[DataRequired(message="Say whether they kept or broke it.")],
    )
    account = TextAreaField(
        "What happened",
        validators=[
            DataRequired(message="Say briefly what happened."),
            Length(max=MAX_ACCOUNT, message=f"Keep it under {MAX_ACCOUNT} characters."),
        ],
        description="Shown publicly on the supplier's terms page, without your handle.",
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "The supplier's public answer",
        validators=[
            DataRequired(message="Write an answer."),
            Length(max=MAX_ANSWER, message=f"Keep it under {MAX_ANSWER} characters."),
        ],
    )


class ClauseVersionForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired(message="Give a title."), Length(max=200)]
    )
    text = TextAreaField("Plain-language text", validators=[DataRequired(message="Give the text.")])
    category = SelectField(
        "Category", choices=[SelectChoice(code, name) for code, name in CATEGORIES.items()]
    )
    parameters = TextAreaField(
        "Parameters (JSON)",
        validators=[Optional()],
        description='For example {"retention_days": {"type": "int", "label": "Keep for at most",'
        ' "min": 1, "max": 3650, "unit": "days", "default": 90}}. Types: int, enum, multi-enum.',
    )
    standard = StringField("Standard it follows", validators=[Optional(), Length(max=300)])


class ClauseForm(ClauseVersionForm):
    identifier = StringField(
        "Identifier",
        validators=[DataRequired(message="Give an identifier."), Length(max=80)],
        description="Stable, e.g. parley:no-stalking. It can never change.",
    )
