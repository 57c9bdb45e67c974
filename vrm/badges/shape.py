"""The badge's words and geometry, pure: a score in, text and widths out.

Widths are estimated from the character count (Verdana-like 11px text averages about
6.5px a character), as badge services do: close enough, and no font files to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from vrm.reputation.scoring import Score

CHAR_WIDTH = 6.5
PADDING = 10
LABEL = "Parley"


@dataclass(frozen=True)
class Badge:
    label: str
    value: str
    label_width: int
    value_width: int
    height: int
    description: str  # the accessible name, and the embed snippet's alt text
    tone: str  # good | middling | poor | none: a CSS-free fill chosen here

    @property
    def width(self) -> int:
        return self.label_width + self.value_width


FILLS = {"good": "#1d7a3a", "middling": "#8a5a00", "poor": "#a8322d", "none": "#5c6670"}


def _text_width(text: str) -> int:
    return round(len(text) * CHAR_WIDTH) + 2 * PADDING


def badge(name: str, score: Score) -> Badge:
    reviews = f"{score.count} review{'' if score.count == 1 else 's'}"
    if score.enough:
        value = f"{score.mean:.1f}/5 ({score.low:.1f}–{score.high:.1f}) · {reviews}"
        description = (
            f"{name} on Parley: {score.mean:.1f} out of 5, likely between {score.low:.1f} "
            f"and {score.high:.1f}, from {reviews}"
        )
        tone = "good" if score.low >= 3.5 else "poor" if score.high < 2.5 else "middling"
    else:
        value = f"not enough reviews yet · {reviews}"
        description = f"{name} on Parley: not enough reviews for a score yet ({reviews})"
        tone = "none"
    return Badge(
        label=LABEL,
        value=value,
        label_width=_text_width(LABEL),
        value_width=_text_width(value),
        height=20,
        description=description,
        tone=tone,
    )
