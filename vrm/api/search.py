"""API routes for search."""

from __future__ import annotations

from typing import Any

from vrm.api.blueprint import bp  # noqa: F401

# OpenAPI path items this module serves, merged into /api/v1/openapi.json.
PATHS: dict[str, Any] = {}
SCHEMAS: dict[str, Any] = {}
