"""Each formula on hand-computed cases, and the incremental sums against a batch rebuild."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vrm.reputation.scoring import (
    REBASE_HALF_LIVES,
    UNIFORM,
    DecayedCounts,
    Parameters,
    base_rates,
    batch_evidence,
    bucket,
    decay_weight,
    dirichlet_score,
    median,
    promises_kept,
    responsiveness,
    terms_kept,
)

Z90 = 1.6448536269514722


def test_no_evidence_gives_the_prior_mean_and_a_wide_band() -> None:
    score = dirichlet_score((0, 0, 0, 0, 0), 0)
    assert score.probabilities == pytest.approx((0.2,) * 5)
    assert score.mean == pytest.approx(3.0)
    # Var = (Σ i² p − S²)/(C + 1) = (11 − 9)/3
    assert score.sd == pytest.approx(math.sqrt(2 / 3))
    assert score.low == pytest.approx(3 - Z90 * math.sqrt(2 / 3))
    assert score.value is None and score.rank_key is None


def test_two_fresh_five_star_reviews() -> None:
    # α = (0.4, 0.4, 0.4, 0.4, 2.4), α₀ = 4: p = (.1, .1, .1, .1, .6), S = 4.
    score = dirichlet_score((0, 0, 0, 0, 2), 2, UNIFORM, Parameters(min_count=2))
    assert score.probabilities == pytest.approx((0.1, 0.1, 0.1, 0.1, 0.6))
    assert score.value == pytest.approx(4.0)
    # Σ i² p = 0.1·30 + 0.6·25 = 18; Var = (18 − 16)/(4 + 1) = 0.4
    assert score.sd == pytest.approx(math.sqrt(0.4))
    assert score.high == 5.0  # 4 + 1.645·0.632 = 5.04, clipped
    assert score.low == pytest.approx(4 - Z90 * math.sqrt(0.4))


def test_below_the_minimum_count_there_is_no_score() -> None:
    score = dirichlet_score((0, 0, 0, 0, 2), 2)
    assert not score.enough and score.value is None and score.mean == pytest.approx(4.0)


def test_base_rates_pull_a_thin_record_towards_the_sector() -> None:
    assert base_rates((3, 0, 0, 0, 1)) == pytest.approx((4 / 9, 1 / 9, 1 / 9, 1 / 9, 2 / 9))
    assert base_rates((0, 0, 0, 0, 0), smoothing=0) == UNIFORM
    harsh = dirichlet_score((0, 0, 0, 0, 1), 1, base_rates((90, 5, 3, 1, 1)))
    kind = dirichlet_score((0, 0, 0, 0, 1), 1, base_rates((1, 1, 3, 5, 90)))
    assert harsh.mean < kind.mean


def test_decay_halves_each_half_life() -> None:
    assert decay_weight(0, 365) == 1.0
    assert decay_weight(365, 365) == pytest.approx(0.5)
    assert decay_weight(730, 365) == pytest.approx(0.25)
    evidence = batch_evidence(bucket([(5, 1000.0), (1, 1000.0 - 5 * 365)]), 1000.0, 365)
    assert evidence == pytest.approx((1 / 32, 0, 0, 0, 1.0))


def test_last_month_counts_more_than_five_years_ago() -> None:
    now = 10_000.0
    recent_bad = bucket([(1, now - 30)] * 5 + [(5, now - 5 * 365)] * 5)
    recent_good = bucket([(5, now - 30)] * 5 + [(1, now - 5 * 365)] * 5)
    bad = dirichlet_score(batch_evidence(recent_bad, now, 365), 10)
    good = dirichlet_score(batch_evidence(recent_good, now, 365), 10)
    assert bad.mean < 2.5 < 3.5 < good.mean


def test_one_five_star_review_cannot_top_a_league_table() -> None:
    params = Parameters(min_count=1)
    lone = dirichlet_score((0, 0, 0, 0, 1), 1, UNIFORM, params)
    many = dirichlet_score((2, 3, 10, 60, 60), 135, UNIFORM, params)
    assert lone.mean < 5 and many.mean < lone.mean + 1
    assert lone.rank_key is not None and many.rank_key is not None
    assert many.rank_key > lone.rank_key
    three = dirichlet_score((0, 0, 0, 0, 3), 3, UNIFORM, params)
    assert many.rank_key > three.rank_key


def test_a_polarised_record_keeps_its_shape() -> None:
    split = dirichlet_score((10, 0, 0, 0, 10), 20)
    middling = dirichlet_score((0, 0, 20, 0, 0), 20)
    assert split.mean == pytest.approx(middling.mean) == pytest.approx(3.0)
    assert split.probabilities[0] > 0.45 and split.probabilities[4] > 0.45
    assert split.sd > middling.sd


def test_rates() -> None:
    assert promises_kept(3, 1).value == 0.75 and promises_kept(3, 1).count == 4
    assert promises_kept(0, 0).value is None
    # One formula for every "kept" figure: a lone broken report is 0%, not a smoothed 33%.
    assert terms_kept(0, 0).value is None
    assert terms_kept(0, 1).value == 0 and promises_kept(0, 1).value == 0
    assert terms_kept(1, 3) == promises_kept(1, 3)
    assert (terms_kept(1, 3).value, terms_kept(1, 3).hits, terms_kept(1, 3).count) == (0.25, 1, 4)
    r = responsiveness(10, 4, 2, 3 * 86_400)
    assert r.answered.value == 0.4 and r.resolved.value == 0.2
    assert r.median_response_days == 3.0
    empty = responsiveness(0, 0, 0, None)
    assert empty.answered.value is None and empty.median_response_days is None
    assert median([3.0, 1.0, 2.0]) == 2.0 and median([4.0, 1.0]) == 2.5 and median([]) is None


def test_parameters_from_config() -> None:
    params = Parameters.from_config({"REPUTATION_HALF_LIFE_DAYS": "180", "REPUTATION_MIN_COUNT": 5})
    assert params.half_life_days == 180.0 and params.min_count == 5 and params.prior_weight == 2.0
    assert Parameters().z == pytest.approx(Z90)


def test_decayed_counts_rebase_far_in_the_future() -> None:
    h = 10.0
    state = DecayedCounts.empty(0.0).add(4, 0.0, h).add(2, 5.0, h)
    later = (REBASE_HALF_LIVES + 10) * h
    state = state.add(5, later, h)
    assert state.epoch == later
    expected = batch_evidence(bucket([(4, 0.0), (2, 5.0), (5, later)]), later + 1, h)
    assert state.evidence(later + 1, h) == pytest.approx(expected, rel=1e-12)
    state = state.add(5, later, h, sign=-1)
    assert state.counts == (0, 1, 0, 1, 0) and state.sums[4] == 0.0


def test_removing_a_rating_never_added_is_refused() -> None:
    with pytest.raises(ValueError, match="never added"):
        DecayedCounts.empty(0.0).add(3, 0.0, 365, sign=-1)
    with pytest.raises(ValueError, match="bad rating"):
        DecayedCounts.empty(0.0).add(6, 0.0, 365)


# ---- The property: incremental == batch, for any history ----

operations = st.lists(
    st.tuples(
        st.sampled_from(["post", "post", "edit", "withdraw"]),
        st.integers(0, 30),  # which review (post: a new one; others: pick among live)
        st.integers(1, 5),  # rating level
        st.floats(0, 400, allow_nan=False),  # days elapsed since the previous operation
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    operations,
    st.sampled_from([1.0, 30.0, 365.0]),
    st.floats(0, 1000, allow_nan=False),
    st.lists(st.integers(0, 50), min_size=5, max_size=5),
)
def test_incremental_equals_batch(
    ops: list[tuple[str, int, int, float]],
    half_life: float,
    read_after: float,
    sector: list[int],
) -> None:
    live: dict[int, tuple[int, float]] = {}
    state = DecayedCounts.empty(0.0)
    clock, next_id = 0.0, 0
    for kind, pick, level, elapsed in ops:
        clock += elapsed
        if kind == "post":
            live[next_id] = (level, clock)
            state = state.add(level, clock, half_life)
            next_id += 1
            continue
        if not live:
            continue
        key = sorted(live)[pick % len(live)]
        old_level, posted = live[key]
        state = state.add(old_level, posted, half_life, sign=-1)
        if kind == "edit":  # an edit keeps the review's original time
            live[key] = (level, posted)
            state = state.add(level, posted, half_life)
        else:
            del live[key]
    now = clock + read_after
    params = Parameters(half_life_days=half_life)
    rates = base_rates(sector)
    expected = dirichlet_score(
        batch_evidence(bucket(live.values()), now, half_life), len(live), rates, params
    )
    got = dirichlet_score(state.evidence(now, half_life), state.count, rates, params)
    assert got.count == expected.count and got.enough == expected.enough
    for a, b in zip(
        (got.mean, got.low, got.high, got.sd, *got.probabilities),
        (expected.mean, expected.low, expected.high, expected.sd, *expected.probabilities),
        strict=True,
    ):
        assert abs(a - b) <= 1e-9
    rebuilt = DecayedCounts.of(live.values(), half_life)
    assert rebuilt.counts == state.counts
    assert rebuilt.evidence(now, half_life) == pytest.approx(
        state.evidence(now, half_life), abs=1e-9
    )


@given(
    st.lists(
        st.floats(min_value=0, max_value=400 * 86400, allow_nan=False), min_size=1, max_size=60
    )
)
def test_the_banded_median_is_within_nine_percent_of_the_exact_one(delays) -> None:
    import statistics
    from collections import Counter

    from vrm.reputation.tallies import BUCKET_ORIGIN_SECONDS, bucket_of, median_from_buckets

    exact = statistics.median(delays)
    estimate = median_from_buckets(list(Counter(bucket_of(d) for d in delays).items()))
    assert estimate is not None
    ordered = sorted(delays)
    middle = ordered[(len(ordered) - 1) // 2]
    if middle > BUCKET_ORIGIN_SECONDS:
        # Within a minute every answer counts as "under a minute", however exact.
        assert abs(estimate - exact) <= 0.095 * exact + 1e-9
