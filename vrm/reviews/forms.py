"""Forms for reviews. The review form only parses; the rules and their messages live in
vrm.reviews.drafts.validate_draft, so the web and any other caller agree."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2

from vrm import clock, numbers
from vrm.reviews.drafts import BODY_MAX, BRANCH_MAX, TITLE_MAX, ReviewDraft, validate_draft
from vrm.reviews.models import ASPECT_LABELS, ASPECTS, Review
from vrm.reviews.voices import OWN, VOICES

STAR_CHOICES = [
    SelectChoice("1", "1 star – very poor"),
    SelectChoice("2", "2 stars – poor"),
    SelectChoice("3", "3 stars – average"),
    SelectChoice("4", "4 stars – good"),
    SelectChoice("5", "5 stars – excellent"),
]
ASPECT_CHOICES = [
    SelectChoice("", "Not rated"),
    *(SelectChoice(str(n), f"{n} star{'' if n == 1 else 's'}") for n in range(1, 6)),
]


class Needed:
    """Marks a field as required on the page; validate_draft says what is missing."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


def optional_int(value: Any) -> int | None:
    """Radio values to int; anything else to None, which the rules then refuse."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    return numbers.whole_number(text, minimum=0, maximum=9)


def aspect_rating(value: Any) -> int | None:
    """An aspect's radio value: nothing is "not rated"; any other text that is not a
    digit becomes 0, which the rules refuse, rather than quietly "not rated"."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return None
    rating = numbers.whole_number(text, minimum=0, maximum=9)
    return 0 if rating is None else rating


class ExperienceDateField(DateField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Give the date as day, month and year.") from None


def _aspect_field(aspect: str) -> RadioField:
    """An optional 1–5 rating of one aspect; "not rated" is the empty choice."""
    return RadioField(
        ASPECT_LABELS[aspect],
        choices=ASPECT_CHOICES,
        coerce=aspect_rating,
        validate_choice=False,
        default="",
    )


class ReviewForm(FlaskForm):
    rating = RadioField(
        "Overall rating",
        choices=STAR_CHOICES,
        coerce=optional_int,
        validate_choice=False,
        validators=[Needed()],
    )
    title = StringField(
        "Title",
        validators=[Needed()],
        description="Sum up your experience in a few words.",
        render_kw={"maxlength": TITLE_MAX},
    )
    body = TextAreaField(
        "Your review",
        validators=[Needed()],
        description=(
            "What happened? Markdown works: *italic*, **bold**, [a link](https://example.org), "
            f"lists with - and quotes with >. Up to {BODY_MAX:,} characters."
        ),
        render_kw={"rows": 10},
    )
    experienced_on = ExperienceDateField("Date of your experience", validators=[Needed()])
    branch = StringField(
        "Service or branch (optional)",
        description="For example a branch, a department or a product.",
        render_kw={"maxlength": BRANCH_MAX},
    )
    voice = RadioField(
        "Whose experience is this?",
        choices=[SelectChoice(voice.code, voice.choice) for voice in VOICES],
        validate_choice=False,  # validate_draft names an unknown choice
        default=OWN,
        description=(
            "If you write for someone else, the review says so. Leave out anything that "
            "would identify them unless they agreed."
        ),
    )
    ease = _aspect_field("ease")
    resolution = _aspect_field("resolution")
    fairness = _aspect_field("fairness")
    respect = _aspect_field("respect")

    def aspect_fields(self) -> list[Any]:
        return [self[aspect] for aspect in ASPECTS]

    def validate(self, extra_validators: Any = None) -> bool:
        """Parse, then check the rules on what parsed, so every message comes at once:
        an unreadable date must not hide a missing title until the next round."""
        parsed = super().validate(extra_validators)
        self.show_errors(validate_draft(self.draft(), clock.now().date()))
        return parsed and not any(field.errors for field in self)

    def draft(self) -> ReviewDraft:
        return ReviewDraft(
            rating=self.rating.data,
            title=self.title.data or "",
            body=self.body.data or "",
            experienced_on=self.experienced_on.data,
            branch=self.branch.data or None,
            voice=self.voice.data or OWN,
            **{aspect: self[aspect].data for aspect in ASPECTS},
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put the rules' messages at their fields (after any parsing message)."""
        for name, message in errors.items():
            field = self[name]
            if not field.errors:
                field.errors = [message]

    @classmethod
    def for_review(cls, review: Review) -> ReviewForm:
        data: dict[str, Any] = {
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "experienced_on": review.experienced_on,
            "branch": review.branch or "",
            "voice": review.voice,
        }
        data.update({aspect: getattr(review, f"rating_{aspect}") for aspect in ASPECTS})
        return cls(data=data)


class FlagForm(FlaskForm):
    reason = TextAreaField(
        "Why does this review break the rules?",
        validators=[Needed()],
        description="5 to 1,000 characters. The review stays visible while a moderator looks.",
        render_kw={"rows": 5, "maxlength": 1000},
    )
    as_supplier = BooleanField("Flag on behalf of the supplier I represent")


class NextForm(FlaskForm):
    """A POST-only button that returns to the page it was pressed on."""

    next = HiddenField()
