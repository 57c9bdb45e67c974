"""The terms composer: library clauses as form rows, and form data back to clause items.

Pure apart from the objects handed in: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, overload

from vrm import numbers
from vrm.db import ID_MAX
from vrm.terms.models import ClauseVersion


class FormData(Protocol):
    """What is read of request.form (a werkzeug MultiDict): its get is overloaded."""

    def getlist(self, key: str) -> list[str]: ...

    @overload
    def get(self, key: str) -> str | None: ...

    @overload
    def get(self, key: str, default: str) -> str: ...


def param_name(identifier: str, name: str) -> str:
    return f"p-{identifier}-{name}"


def items_from_form(form: FormData, library: Mapping[str, ClauseVersion]) -> list[dict[str, Any]]:
    """Clause items as the member chose them; unknown clauses pass through for the
    service to refuse by name."""
    items = []
    for identifier in form.getlist("clause"):
        raw_version = form.get(f"version-{identifier}", "")
        version = numbers.whole_number(raw_version, minimum=1, maximum=ID_MAX)
        parameters: dict[str, Any] = {}
        known = library.get(identifier)
        if known is not None:
            for name, spec in known.parameters.items():
                key = param_name(identifier, name)
                if spec["type"] == "multi-enum":
                    parameters[name] = form.getlist(key)
                elif form.get(key) is not None:
                    parameters[name] = form.get(key)
        items.append({"clause": identifier, "version": version, "parameters": parameters})
    return items


def rows(
    versions: Iterable[ClauseVersion],
    chosen: Iterable[Mapping[str, Any]],
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One row per library clause for the composer template, with the member's choices."""
    by_clause = {item["clause"]: item for item in chosen}
    result = []
    for version in versions:
        item = by_clause.get(version.identifier)
        values = dict(item.get("parameters") or {}) if item else {}
        result.append(
            {
                "version": version,
                "selected": item is not None,
                "error": (errors or {}).get(version.identifier),
                "params": [
                    {
                        "name": param_name(version.identifier, name),
                        "spec": spec,
                        "value": values.get(name, spec.get("default")),
                    }
                    for name, spec in version.parameters.items()
                ],
            }
        )
    return result
