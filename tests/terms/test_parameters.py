"""Parameter validation: pure functions, no app."""

from __future__ import annotations

import pytest

from vrm.terms.parameters import (
    ParameterError,
    check_parameters,
    check_schema,
    check_value,
    load_schema,
)

RETENTION = {"type": "int", "label": "Keep for", "min": 1, "max": 3650, "unit": "days"}
CHANNELS = {"type": "multi-enum", "label": "Channels", "choices": ["email", "post", "sms"]}
TIMES = {"type": "enum", "label": "When", "choices": ["day", "evening"]}


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("3650", 3650), (" 90 ", 90), (["7"], 7)])
def test_int_in_range_is_typed(raw, expected) -> None:
    assert check_value(RETENTION, raw) == expected


@pytest.mark.parametrize("raw", [0, 99999, "-1", "ninety", 1.5, True, "", None, ["1", "2"]])
def test_int_out_of_range_or_not_whole_is_refused(raw) -> None:
    with pytest.raises(ParameterError, match="Keep for"):
        check_value(RETENTION, raw)


def test_out_of_range_message_names_the_range() -> None:
    with pytest.raises(ParameterError, match="from 1 to 3650 days"):
        check_value(RETENTION, 0)


def test_multi_enum_keeps_library_order_and_drops_repeats() -> None:
    assert check_value(CHANNELS, ["sms", "email", "sms"]) == ["email", "sms"]
    assert check_value(CHANNELS, "post") == ["post"]


@pytest.mark.parametrize("raw", [[], ["pigeon"], ["email", "pigeon"], 3])
def test_multi_enum_refuses_unknown_or_empty(raw) -> None:
    with pytest.raises(ParameterError):
        check_value(CHANNELS, raw)


def test_enum() -> None:
    assert check_value(TIMES, "day") == "day"
    with pytest.raises(ParameterError, match="choose one of day, evening"):
        check_value(TIMES, "night")


def test_check_parameters_uses_defaults_and_refuses_unknown_names() -> None:
    schema = {"retention_days": {**RETENTION, "default": 30}}
    assert check_parameters(schema, {}) == {"retention_days": 30}
    with pytest.raises(ParameterError) as caught:
        check_parameters(schema, {"retention_days": 5, "colour": "red"})
    assert set(caught.value.errors) == {"colour"}  # type: ignore[attr-defined]


def test_check_parameters_without_default_needs_a_value() -> None:
    with pytest.raises(ParameterError, match="give a value"):
        check_parameters({"retention_days": RETENTION}, {})


@pytest.mark.parametrize(
    "schema",
    [
        {"x": {"type": "float"}},
        {"x": {"type": "int", "min": 5, "max": 1}},
        {"x": {"type": "enum", "choices": []}},
        {"Bad Name": {"type": "enum", "choices": ["a"]}},
        {"x": {"type": "int", "min": 1, "max": 5, "default": 9}},
        [],
    ],
)
def test_bad_schemas_are_refused(schema) -> None:
    with pytest.raises(ParameterError):
        check_schema(schema)


SAFE = 2**53 - 1


@pytest.mark.parametrize(
    "schema",
    [
        {"x": {"type": "int", "min": 1, "max": 10**26}},
        {"x": {"type": "int", "min": -(10**26), "max": 1}},
        {"x": {"type": "int", "min": 1, "max": SAFE + 1}},
        {"x": {"type": "int", "min": 1.0, "max": 5}},
        {"x": {"type": "int", "min": 1, "max": float("inf")}},
    ],
)
def test_int_bounds_must_be_safe_whole_numbers(schema) -> None:
    with pytest.raises(ParameterError, match="9007199254740991"):
        check_schema(schema)


def test_safe_bounds_are_accepted() -> None:
    schema = {"x": {"type": "int", "min": -SAFE, "max": SAFE, "default": SAFE}}
    assert check_schema(schema) == schema


@pytest.mark.parametrize(
    "raw", ["99999999999999999999999", "-99999999999999999999999", "9" * 5000, 10**26, SAFE + 1]
)
def test_values_beyond_the_safe_range_are_refused_even_if_a_clause_allows_them(raw) -> None:
    # A clause published before bounds were checked may still allow up to 10**26.
    legacy = {"type": "int", "label": "Hours", "min": -(10**26), "max": 10**26}
    with pytest.raises(ParameterError, match=f"Hours: give a number from -{SAFE} to {SAFE}"):
        check_value(legacy, raw)


@pytest.mark.parametrize("raw", ["--5", "²", "٣", "1e3", "0x10", float("nan"), float("inf")])
def test_only_plain_whole_numbers_are_read(raw) -> None:
    with pytest.raises(ParameterError, match="whole number"):
        check_value(RETENTION, raw)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("null", "JSON object"),
        ("[]", "JSON object"),
        ('"x"', "JSON object"),
        ("[" * 5000 + "]" * 5000, "nest too deeply"),
        ('{"x": {"type": "enum", "choices": [["a"]]}}', "nest too deeply"),
        ("{" + " " * 20_000 + "}", "under 20,000 characters"),
        ('{"x": NaN}', "not valid JSON"),
        ("{not json", "not valid JSON"),
    ],
)
def test_load_schema_refuses_what_it_cannot_use(text, message) -> None:
    with pytest.raises(ParameterError, match=message):
        load_schema(text)


def test_load_schema_reads_objects_and_treats_blank_as_none() -> None:
    assert load_schema("  ") == {} and load_schema(None) == {}
    text = '{"x": {"type": "enum", "label": "[{", "choices": ["a\\"]]]", "b"]}}'
    assert load_schema(text)["x"]["choices"] == ['a"]]]', "b"]
    # Too many digits for int() come back out of range, for check_schema to name.
    assert load_schema('{"n": ' + "9" * 5000 + "}") == {"n": SAFE + 1}
