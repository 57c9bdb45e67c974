"""The change-point detector and the saved-search matcher: pure, no app."""

from __future__ import annotations

import random

import numpy as np
import pytest

from vrm.watch.changepoints import (
    Settings,
    State,
    evidence,
    naive_alerts,
    replay,
    smoothed,
    solve,
    tilt,
    update,
)
from vrm.watch.matching import matches

MIDDLING = (0.12, 0.13, 0.25, 0.30, 0.20)  # mean 3.33
WORSE = (0.36, 0.21, 0.23, 0.15, 0.05)  # a 1-star drop of it (bench/alerts.py tilts)


def draw(rng: random.Random, p: tuple[float, ...], n: int) -> list[int]:
    return rng.choices((1, 2, 3, 4, 5), weights=p, k=n)


def test_stationary_streams_raise_few_false_alerts_and_far_fewer_than_the_naive_rule():
    """50 supplier-years (10 × 300 reviews) of unchanging ratings. The goal (at most one
    false alert per 100 supplier-years) expects about 0.5 here, and 50 years are too few
    to measure it (bench/alerts.py does, on 1,000): this catches a detector that alerts
    on noise, as the naive rule does dozens of times on the same streams."""
    streams = [draw(random.Random(seed), MIDDLING, 300) for seed in range(10)]
    ours = sum(len(replay(levels)[1]) for levels in streams)
    naive = sum(len(naive_alerts(levels)) for levels in streams)
    assert ours <= 2 and naive >= 10 * max(ours, 1)


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
    settings = Settings(window=30)
    rng = random.Random(1)
    state = State.start(settings)
    for level in draw(rng, MIDDLING, 200):
        state, _ = update(state, level, settings)
    assert state.recent.shape == (30, 5) and len(state.starts) == 30
    assert state.regime.sum() == 200 and state.recent[-1].sum() == 30
    again = State.from_json(state.to_json())
    for level in (1, 1, 2, 5):
        state, _ = update(state, level, settings)
        again, _ = update(again, level, settings)
    assert again.regime.tolist() == state.regime.tolist()
    assert np.array_equal(evidence(again, settings), evidence(state, settings))


def test_folding_one_review_at_a_time_through_json_equals_a_replay():
    ratings = [(level, float(day)) for day, level in enumerate(
        draw(random.Random(5), MIDDLING, 60) + draw(random.Random(6), WORSE, 60)
    )]  # fmt: skip
    state, shifts = State.start(Settings()), []
    for level, day in ratings:
        state, shift = update(State.from_json(state.to_json()), level, day=day)
        shifts += [shift] if shift else []
    batch_state, batch_shifts = replay(ratings)
    assert shifts == batch_shifts and len(shifts) == 1
    assert batch_state.to_json() == state.to_json()


def test_the_evidence_is_the_log_likelihood_ratio_of_the_moved_history():
    """G(τ, δ) = Σ log q(x)/p̂(x) over the ratings since τ, p̂ from the ratings before τ."""
    settings = Settings(min_before=5, min_after=1)
    history, stretch = [5, 4, 4, 3, 5, 4, 2, 5, 4, 4], [2, 1, 3]
    state, _ = replay(history + stretch, settings)
    before = np.bincount(np.array(history) - 1, minlength=5).astype(float)
    p = smoothed(before[None, :])
    q = tilt(p, solve(p, settings.moves))[0]
    assert (q @ np.arange(1, 6)).tolist() == pytest.approx((p @ np.arange(1, 6))[0] + [-1, 1])
    expected = [sum(np.log(q[k, x - 1] / p[0, x - 1]) for x in stretch) for k in range(2)]
    assert evidence(state, settings)[len(stretch) - 1].tolist() == pytest.approx(expected)


def test_a_state_of_the_earlier_run_length_detector_carries_over():
    """The old state's counts per run length are the counts of the last r ratings; its
    last slot is the whole regime. It loads, and the test goes on from it."""
    levels = [4, 5, 4, 3, 5]
    old = {
        "p": [0.1, 0.2, 0.2, 0.2, 0.1, 0.2],
        "n": [[0] * 5] + [np.bincount(np.array(levels[-r:]) - 1, minlength=5).tolist()
                          for r in range(1, 6)],
        "w": [[1.0]] * 6,
        "t": [0.0, 5.0, 4.0, 3.0, 2.0, 1.0],
        "seen": 5,
    }  # fmt: skip
    state = State.from_json(old)
    fresh, _ = replay([(level, float(day + 1)) for day, level in enumerate(levels)])
    assert state.seen == 5 and state.regime.tolist() == [0, 0, 1, 2, 2]
    assert state.recent[:4].tolist() == fresh.recent[:4].tolist()
    assert state.starts[:4].tolist() == fresh.starts[:4].tolist()
    assert update(state, 1)[0].seen == 6


def test_one_star_drops_are_found_in_tens_of_reviews_not_hundreds():
    """bench/alerts.py in miniature: a one-star drop of a middling supplier (WORSE) after
    60 stable reviews is found in every stream, in a median of about 30 reviews."""
    delays = []
    for seed in range(12):
        rng = random.Random(100 + seed)
        _, shifts = replay(draw(rng, MIDDLING, 60) + draw(rng, WORSE, 100))
        found = [s.at_review - 60 for s in shifts if s.at_review > 60]
        assert found, f"seed {seed}: missed"
        delays.append(found[0])
        assert shifts[0].size < -0.5
    assert sorted(delays)[6] <= 40


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
