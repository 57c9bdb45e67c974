from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2
from wtforms.validators import DataRequired, Length, Optional

from vrm.suppliers.sectors import KINDS, SECTORS
from vrm.suppliers.service import DESCRIPTION_MAX, NAME_MAX, REASON_MAX, REASON_MIN

NO_AREA = SelectChoice("", "No particular area (national, or online)")


class SupplierForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Give the supplier's name."), Length(min=2, max=NAME_MAX)],
        description="The name people know it by, for example “Octopus Energy” or “DVLA”.",
        render_kw={"autocomplete": "off"},
    )
    kind = RadioField(
        "What is it?",
        choices=[SelectChoice(code, label) for code, label in KINDS.items()],
        validators=[DataRequired(message="Choose whether this is a business or a public service.")],
    )
    sector = SelectField(
        "Sector",
        choices=[
            SelectChoice("", "Choose a sector"),
            *(SelectChoice(code, label) for code, label in SECTORS.items()),
        ],
        validators=[DataRequired(message="Choose a sector from the list.")],
    )
    website_domain = StringField(
        "Website (optional)",
        validators=[Optional(), Length(max=300)],
        description="For example octopus.energy. Representatives prove they speak for it "
        "through this domain.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
    area = SelectField("Area (optional)", choices=[NO_AREA], validate_choice=False)
    parent = StringField(
        "Part of (optional)",
        validators=[Optional(), Length(max=300)],
        description="If it belongs to an organisation already in Parley, give that page's "
        "address, for example /s/department-for-work-and-pensions.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    aliases = StringField(
        "Other names (optional)",
        validators=[Optional(), Length(max=1000)],
        description="Separate names with commas.",
        render_kw={"autocomplete": "off"},
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
        description="What it does, in a sentence or two. Markdown is allowed.",
    )
    confirm_new = BooleanField("None of these is the one I mean: add it anyway")


class MergeForm(FlaskForm):
    target = StringField(
        "Merge into",
        validators=[DataRequired(message="Give the address of the supplier to keep.")],
        description="The address (or the last part of it) of the page that stays, "
        "for example /s/octopus-energy.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RemoveForm(FlaskForm):
    reason = TextAreaField(
        "Reason, shown publicly",
        validators=[
            DataRequired(message="Give the reason; it is shown on the removed page."),
            Length(min=REASON_MIN, max=REASON_MAX),
        ],
    )
