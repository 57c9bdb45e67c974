"""Typed access to the app's settings, stored on ``app.extensions``."""

from __future__ import annotations

from flask import Flask, current_app

from vrm.settings import Settings


def get_settings(app: Flask | None = None) -> Settings:
    return (app or current_app).extensions["vrm.settings"]  # type: ignore[no-any-return]
