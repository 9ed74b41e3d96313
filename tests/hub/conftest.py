"""The hub's tests reuse the web application's Django setup and fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import *  # noqa: F403


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    """The demo hub loaded into the test database."""
    from onevoice.hub.demo import load_demo

    return load_demo()
