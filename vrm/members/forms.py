from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class EraseForm(FlaskForm):
    confirm_handle = StringField(
        "Type your handle to confirm",
        validators=[DataRequired(message="Type your handle to confirm."), Length(max=30)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
