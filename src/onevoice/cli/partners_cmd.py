"""``onevoice partners``: the partner task forces that may read the TAXII 2.1 API."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from onevoice.cli.serve_cmd import DATA_OPTION
from onevoice.errors import OneVoiceError

if TYPE_CHECKING:
    from onevoice.web.taxii.models import Partner

_TLP = ("clear", "green", "amber", "amber+strict", "red")


@click.group()
def partners() -> None:
    """Manage the partners that read approved cases over TAXII 2.1 (/taxii2/).

    A partner logs in with HTTP Basic: its name and the secret printed once by 'create'
    (or 'rotate'). It sees the collections up to its TLP clearance
    (clear < green < amber < amber+strict < red), and only approved or published cases.

    \b
    Examples:
      onevoice partners create edmo-hub --clearance amber
      onevoice partners list
      onevoice partners disable edmo-hub
    """


def _setup(data_dir: str) -> None:
    from onevoice.web.bootstrap import setup

    setup(data_dir)


def _get(name: str) -> Partner:
    from onevoice.web.taxii.models import Partner

    partner: Partner | None = Partner.objects.filter(name=name).first()
    if partner is None:
        raise OneVoiceError(f"there is no partner {name!r}", hint="see 'onevoice partners list'")
    return partner


def _record(action: str, partner: Partner, **detail: object) -> None:
    from onevoice.web.audit.models import audit

    audit(None, action, "partner", partner.pk, by="cli", **detail)


@partners.command()
@click.argument("name")
@click.option(
    "--clearance",
    required=True,
    type=click.Choice(_TLP),
    help="The highest TLP level the partner may read.",
)
@click.option("--note", default="", help="Who the partner is, whom to call.")
@DATA_OPTION
def create(name: str, clearance: str, note: str, data_dir: str) -> None:
    """Create the partner NAME and print its secret (shown only this once).

    \b
    Examples:
      onevoice partners create edmo-hub --clearance amber
      onevoice partners create eeas --clearance amber+strict --note "EEAS StratCom"
    """
    _setup(data_dir)
    from onevoice.web.taxii.auth import check_name, new_secret
    from onevoice.web.taxii.models import Partner

    check_name(name)
    if Partner.objects.filter(name=name).exists():
        raise OneVoiceError(f"the partner {name!r} exists already", hint="choose another name")
    secret = new_secret()
    partner = Partner(name=name, clearance=clearance, note=note)
    partner.set_secret(secret)
    partner.save()
    _record("create", partner, name=name, clearance=clearance)
    click.echo(secret)
    click.echo(
        f"created partner {name} (TLP:{clearance.upper()}); the secret above is shown only "
        "once: give it to the partner over a trusted channel",
        err=True,
    )


@partners.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@DATA_OPTION
def list_(as_json: bool, data_dir: str) -> None:
    """List the partners: name, clearance, active or disabled, created.

    \b
    Examples:
      onevoice partners list
      onevoice partners list --json | jq .name
    """
    _setup(data_dir)
    from onevoice.web.taxii.models import Partner

    for p in Partner.objects.order_by("name"):
        row = {
            "name": p.name,
            "clearance": p.clearance,
            "active": p.active,
            "created": p.created_at.isoformat(timespec="seconds"),
            "note": p.note,
        }
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            state = "active" if p.active else "disabled"
            click.echo(f"{p.name}\t{p.clearance}\t{state}\t{row['created']}\t{p.note}")


def _set_active(name: str, active: bool, data_dir: str) -> None:
    _setup(data_dir)
    partner = _get(name)
    partner.active = active
    partner.save(update_fields=["active"])
    _record("change", partner, name=name, active=active)
    click.echo(f"{'enabled' if active else 'disabled'} partner {name}", err=True)


@partners.command()
@click.argument("name")
@DATA_OPTION
def disable(name: str, data_dir: str) -> None:
    """Refuse every further request of the partner NAME (403), keeping its history.

    \b
    Examples:
      onevoice partners disable edmo-hub
    """
    _set_active(name, False, data_dir)


@partners.command()
@click.argument("name")
@DATA_OPTION
def enable(name: str, data_dir: str) -> None:
    """Let a disabled partner NAME read again with its existing secret.

    \b
    Examples:
      onevoice partners enable edmo-hub
    """
    _set_active(name, True, data_dir)


@partners.command()
@click.argument("name")
@DATA_OPTION
def rotate(name: str, data_dir: str) -> None:
    """Give the partner NAME a new secret (printed once); the old one stops working.

    \b
    Examples:
      onevoice partners rotate edmo-hub
    """
    _setup(data_dir)
    from onevoice.web.taxii.auth import clear_cache, new_secret

    partner = _get(name)
    secret = new_secret()
    partner.set_secret(secret)
    partner.save(update_fields=["secret_hash"])
    clear_cache()
    _record("change", partner, name=name, secret="rotated")
    click.echo(secret)
    click.echo(f"new secret for partner {name}; the old one no longer works", err=True)
