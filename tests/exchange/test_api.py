"""The public API of onevoice.exchange: every exported name exists and is documented."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

MODULES = [
    "defang",
    "disarm_catalog",
    "meta_indicators",
    "misp_feed",
    "model",
    "platform_csv",
    "pseudonyms",
    "stix_export",
    "stix_import",
    "stix_vocab",
    "store_match",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_documented(name: str) -> None:
    module = importlib.import_module(f"onevoice.exchange.{name}")
    assert module.__doc__
    for public in module.__all__:
        obj = getattr(module, public)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{public} has no docstring"


def test_exchange_does_not_import_django() -> None:
    """Checked in a fresh interpreter: other tests may have imported the web app."""
    code = (
        "import sys\n"
        + "".join(f"import onevoice.exchange.{m}\n" for m in MODULES)
        + "print(sorted(m for m in sys.modules if m.startswith(('django', 'onevoice.web'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
