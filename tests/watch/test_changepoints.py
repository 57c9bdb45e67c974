"""The change-point detector and the saved-search matcher: pure, no app."""

from __future__ import annotations

import random

import pytest

from vrm.watch.changepoints import Settings, State, naive_alerts, recent_mass, replay, update
from vrm.watch.matching import matches

MIDDLING = (0.12, 0.13, 0.25, 0.30, 0.20)  # mean 3.33
WORSE = (0.36, 0.21, 0.23, 0.15, 0.05)  # a 1-star drop of it (bench/alerts.py tilts)


def draw(rng: random.Random, p: tuple[float, ...], n: int) -> list[int]:
    return rng.choices((1, 2, 3, 4, 5), weights=p, k=n)


def test_a_stationary_stream_raises_no_alert():
    for seed in range(5):
        _, shifts = replay(draw(random.Random(seed), MIDDLING, 300))
        assert shifts == []


def test_a_clear_drop_is_found_with_its_means_and_when_it_began():
    rng = random.Random(7)
    before = [
        (level, float(day)) for day, level in enumerate(draw(rng, (0.02, 0.03, 0.1, 0.45, 0.4), 80))
    ]
    after = [
        (level, 80.0 + day) for day, level in enumerate(draw(rng, (0.5, 0.3, 0.15, 0.05, 0.0), 40))
    ]
    _, shifts = replay(before + after)
    [shift] = shifts
    assert 80 < shift.at_review <= 95  # found within 15 reviews of the change
    assert shift.before_mean == pytest.approx(4.2, abs=0.3)
    assert shift.after_mean < 2.5 and shift.after_low < shift.after_mean < shift.after_high
    assert 75 <= shift.since_day <= shift.at_review
    assert shift.size < -1.5


def test_after_a_shift_the_old_regime_is_forgotten_one_change_one_alert():
    rng = random.Random(3)
    levels = draw(rng, (0.02, 0.03, 0.1, 0.45, 0.4), 80) + draw(
        rng, (0.5, 0.3, 0.15, 0.05, 0.0), 200
    )
    _, shifts = replay(levels)
    assert len(shifts) == 1


def test_the_state_is_bounded_and_survives_json():
    settings = Settings(max_run=30)
    rng = random.Random(1)
    state = State.start(settings)
    for level in draw(rng, MIDDLING, 200):
        state, _ = update(state, level, settings)
    assert len(state.probabilities) <= 31 and state.counts.shape == (len(state.probabilities), 5)
    assert state.probabilities.sum() == pytest.approx(1.0)
    again = State.from_json(state.to_json())
    for level in (1, 1, 2, 5):
        state, _ = update(state, level, settings)
        again, _ = update(again, level, settings)
    assert again.probabilities.tolist() == pytest.approx(state.probabilities.tolist())
    assert recent_mass(again, 10) == pytest.approx(recent_mass(state, 10))


@pytest.mark.parametrize("level", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(level):
    with pytest.raises(ValueError, match="a rating is 1 to 5"):
        update(State.start(Settings()), level)


def test_the_naive_rule_fires_on_noise_too():
    levels = draw(random.Random(2), (0.35, 0.08, 0.07, 0.15, 0.35), 300)
    assert naive_alerts(levels)  # polarised ratings: ten in a row often look like a move
    assert naive_alerts([4] * 30 + [2] * 10) == [35]


def test_a_saved_search_matches_by_filters_and_words():
    review = {
        "doc_type": "review",
        "title": "Billing mess",
        "body": "They overcharged me",
        "supplier_text": "Acme Energy",
        "sector": "energy",
        "kind": "business",
        "area": "Leeds",
        "rating_band": "low",
    }
    assert matches("q=bill", review)
    assert matches("q=acme+overcharged&sector=energy", review)
    assert not matches("q=bill&sector=water", review)
    assert not matches("q=refund", review)
    assert not matches("type=supplier", review)
    assert matches("type=supplier", review, check_type=False)
    assert matches("rating_band=low&q=Bill+AND+mess", review)
