from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2

MODE_CHOICES = [
    ("every", "Every new review"),
    ("shifts", "Only real shifts in its ratings"),
]


class WatchForm(FlaskForm):
    """Watch one target (named by one of the hidden fields) in a mode."""

    supplier = HiddenField()
    sector = HiddenField()
    area = HiddenField()
    search = HiddenField()
    next = HiddenField()
    mode = RadioField(
        "Tell me of", choices=[SelectChoice(*c) for c in MODE_CHOICES], default="every"
    )

    def target_args(self) -> dict[str, str]:
        return {
            name: getattr(self, name).data or ""
            for name in ("supplier", "sector", "area", "search")
            if getattr(self, name).data is not None and getattr(self, name).data != ""
        }
