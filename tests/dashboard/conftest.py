"""Fixtures of the callback tests."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(scope="module")
def page():
    """The registered Data page module (its callbacks, called directly)."""
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.data"]
