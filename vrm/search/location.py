"""Where this app's search index lives: ``PARLEY_SEARCH_DIR``, else ``instance/search``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from vrm.settings_access import get_settings


def index_dir(app: Flask) -> Path:
    # SEARCH_DIR in app.config wins so a test can give each case its own index.
    override = app.config.get("SEARCH_DIR")
    if override:
        return Path(override)
    settings = get_settings(app)
    return settings.search_dir or settings.instance_path / "search"
