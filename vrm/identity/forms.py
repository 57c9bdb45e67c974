from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


class EmptyForm(FlaskForm):
    """A POST-only button: CSRF and nothing else."""


class ProviderForm(FlaskForm):
    intent = HiddenField(default="sign_in")
    next = HiddenField()


class IdentifierForm(FlaskForm):
    intent = HiddenField(default="sign_in")
    next = HiddenField()
    identifier = StringField(
        "Your provider's address, or your user@host",
        validators=[DataRequired(message="Type an address or user@host."), Length(max=300)],
        description="For example https://login.example.org or alice@example.org",
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "off"},
    )


class HandleForm(FlaskForm):
    handle = StringField(
        "Choose your public handle",
        validators=[DataRequired(message="Choose a handle."), Length(max=30)],
        description="3 to 30 characters: a–z, digits, - or _. Others see it on your reviews.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
