from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2
from wtforms.validators import DataRequired, Length, Optional

from vrm.representatives.service import NOTE_MAX, REASON_MAX


class ClaimForm(FlaskForm):
    """Start a claim by the domain token or by a moderator's approval."""

    method = RadioField(
        "How will you prove it?",
        choices=[
            SelectChoice("domain", "Put a file on the organisation's website"),
            SelectChoice("moderator", "Ask a Parley moderator to check"),
        ],
        validators=[DataRequired(message="Choose how you will prove you represent them.")],
    )
    note = TextAreaField(
        "A note for the moderators (optional)",
        validators=[Optional(), Length(max=NOTE_MAX)],
        description="Your role, and how a moderator can confirm it. Not shown publicly.",
    )


class EmailClaimForm(FlaskForm):
    """Start a claim proved by signing in with a work account at the supplier's domain."""

    provider_id = SelectField(
        "Sign in with",
        validators=[DataRequired(message="Choose a provider.")],
        choices=[],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Why",
        validators=[
            DataRequired(message="Say why, in a few words."),
            Length(max=REASON_MAX, message=f"Keep it under {REASON_MAX} characters."),
        ],
        description="Shown to the member; for a revoked representative, also in the public log.",
    )
