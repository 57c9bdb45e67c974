"""Typed clause parameters, checked without Flask or a database.

A clause version declares its parameters as JSON, for example::

    {"retention_days": {"type": "int", "label": "Keep my data for at most",
                        "min": 1, "max": 3650, "unit": "days", "default": 90},
     "contact_channels": {"type": "multi-enum", "label": "Contact me only by",
                          "choices": ["email", "post", "phone", "sms", "app"],
                          "default": ["email"]}}

Values arrive as form strings or as JSON values; ``check_value`` returns the typed value or
raises ParameterError saying what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

TYPES = ("int", "enum", "multi-enum")
# I-JSON (RFC 7493): larger integers do not survive JSON's doubles, and the RFC 8785
# canonical form that terms versions are hashed over refuses them.
SAFE_INTEGER = 2**53 - 1
# A schema is parameters → definition → list of choices; nothing legitimate is deeper,
# and refusing depth before parsing keeps the recursive parser (and hashing) safe.
MAX_SCHEMA_DEPTH = 3
MAX_SCHEMA_CHARS = 20_000
_WHOLE = re.compile(r"-?[0-9]+")


class ParameterError(ValueError):
    """A parameter value (or a parameter schema) that cannot be used."""


def load_schema(text: str | None) -> dict[str, Any]:
    """A moderator's parameters as typed JSON text, parsed; empty text means none.

    Only the shape is checked here; ``check_schema`` (called by the library service)
    checks the definitions.
    """
    text = (text or "").strip()
    if not text:
        return {}
    if len(text) > MAX_SCHEMA_CHARS:
        raise ParameterError(f"Keep the parameters under {MAX_SCHEMA_CHARS:,} characters.")
    if _nesting(text) > MAX_SCHEMA_DEPTH:
        raise ParameterError(
            "Parameters nest too deeply: an object of name → definition, whose lists of "
            "choices hold plain text, is as deep as they go."
        )
    try:
        # Huge integers come back just out of range for check_schema to name, rather
        # than as int()'s error about digits.
        schema = json.loads(text, parse_int=_whole_number, parse_constant=_no_constant)
    except ValueError:
        raise ParameterError("That is not valid JSON.") from None
    if not isinstance(schema, dict):
        raise ParameterError(
            "Parameters must be a JSON object of name → definition, or left empty."
        )
    return schema


def _nesting(text: str) -> int:
    """How deeply brackets nest outside strings, found without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif in_string:
            escaped = char == "\\"
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def check_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Check a clause version's parameter schema; return it as a plain dict."""
    if not isinstance(schema, Mapping):
        raise ParameterError("Parameters must be a JSON object of name → definition.")
    for name, spec in schema.items():
        if not (isinstance(name, str) and name.replace("_", "").isalnum() and name.islower()):
            raise ParameterError(f"Parameter name {name!r}: use lower-case letters, digits, _.")
        if not isinstance(spec, Mapping) or spec.get("type") not in TYPES:
            raise ParameterError(f"Parameter {name}: type must be one of {', '.join(TYPES)}.")
        if spec["type"] == "int":
            low, high = spec.get("min"), spec.get("max")
            if not (_is_safe_int(low) and _is_safe_int(high) and low <= high):
                raise ParameterError(
                    f"Parameter {name}: give whole numbers min ≤ max, each between "
                    f"-{SAFE_INTEGER} and {SAFE_INTEGER}."
                )
        else:
            choices = spec.get("choices")
            if not (isinstance(choices, list) and choices and all(_is_str(c) for c in choices)):
                raise ParameterError(f"Parameter {name}: give a non-empty list of choices.")
        if "default" in spec:
            check_value(spec, spec["default"], name=name)
    return dict(schema)


def check_value(spec: Mapping[str, Any], raw: Any, *, name: str = "value") -> Any:
    """The typed value of one parameter, or ParameterError."""
    label = spec.get("label", name)
    kind = spec["type"]
    if kind == "int":
        return _check_int(spec, raw, label)
    choices = list(spec["choices"])
    if kind == "enum":
        if isinstance(raw, list):
            raw = raw[0] if len(raw) == 1 else None
        if raw not in choices:
            raise ParameterError(f"{label}: choose one of {', '.join(choices)}.")
        return raw
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not values:
        raise ParameterError(f"{label}: choose at least one of {', '.join(choices)}.")
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise ParameterError(
            f"{label}: {', '.join(map(str, unknown))} is not one of {', '.join(choices)}."
        )
    # Keep the library's order and drop repeats, so equal choices hash equally.
    return [c for c in choices if c in values]


def _check_int(spec: Mapping[str, Any], raw: Any, label: str) -> int:
    # Clamped as well as checked by check_schema: clauses published before that check
    # may still declare bounds beyond the safe range.
    low, high = max(spec["min"], -SAFE_INTEGER), min(spec["max"], SAFE_INTEGER)
    value = _whole_number(raw[0] if isinstance(raw, list) and len(raw) == 1 else raw)
    if value is None:
        raise ParameterError(f"{label}: give a whole number.")
    if not low <= value <= high:
        unit = spec.get("unit", "")
        raise ParameterError(f"{label}: give a number from {low} to {high} {unit}".strip() + ".")
    return value


def _whole_number(raw: Any) -> int | None:
    """The integer a form string or JSON value holds, or None."""
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        digits = raw.strip()
        if len(digits.lstrip("-")) > len(str(SAFE_INTEGER)):
            # Out of any range we accept; int() of thousands of digits would even raise.
            return -(SAFE_INTEGER + 1) if digits.startswith("-") else SAFE_INTEGER + 1
        return int(digits)
    return raw if _is_int(raw) else None


def check_parameters(schema: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for every parameter of a clause; unknown names are refused.

    Raises ParameterError with one message per problem, joined; ``errors`` maps each
    parameter name to its message.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in raw:
        if name not in schema:
            errors[name] = f"{name}: this clause has no such parameter."
    for name, spec in schema.items():
        given = raw.get(name, spec.get("default"))
        if given is None or given == "":
            errors[name] = f"{spec.get('label', name)}: give a value."
            continue
        try:
            values[name] = check_value(spec, given, name=name)
        except ParameterError as error:
            errors[name] = str(error)
    if errors:
        problem = ParameterError(" ".join(errors.values()))
        problem.errors = errors  # type: ignore[attr-defined]
        raise problem
    return values


def describe(spec: Mapping[str, Any], value: Any) -> str:
    """A value as a person reads it: "90 days", "email, post"."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    unit = spec.get("unit")
    return f"{value} {unit}" if unit else str(value)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_safe_int(value: Any) -> TypeGuard[int]:
    return _is_int(value) and -SAFE_INTEGER <= value <= SAFE_INTEGER


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)
