from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2
from wtforms.validators import DataRequired, Length

from vrm.members.erasure import ERASURE_CHOICES


class EraseForm(FlaskForm):
    choice = RadioField(
        "What should go",
        choices=[SelectChoice(choice.value, choice.label) for choice in ERASURE_CHOICES],
        validators=[DataRequired(message="Choose what to erase.")],
    )
    confirm_handle = StringField(
        "Type your handle to confirm",
        validators=[DataRequired(message="Type your handle to confirm."), Length(max=30)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
