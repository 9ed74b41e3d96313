"""``onevoice hub`` is registered and documented."""

from __future__ import annotations

from click.testing import CliRunner

from onevoice.cli.main import cli


def test_hub_demo_help() -> None:
    result = CliRunner().invoke(cli, ["hub", "demo", "--help"])
    assert result.exit_code == 0
    assert "Sample" in result.output
    assert "onevoice hub demo" in result.output
