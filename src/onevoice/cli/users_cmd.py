"""``onevoice users``: create accounts with roles (and the demo accounts)."""

from __future__ import annotations

import secrets
import sys
from typing import Any

import click

from onevoice.cli.serve_cmd import DATA_OPTION
from onevoice.errors import OneVoiceError, UsageError
from onevoice.web.roles import ROLES


@click.group()
def users() -> None:
    """Manage the web application's accounts and their roles.

    Roles: admin, analyst, reviewer, communicator, liaison, member.

    \b
    Examples:
      onevoice users create alice --role analyst
      printf '%s\\n' "$PW" | onevoice users create bob --role reviewer --password-stdin
      onevoice users demo
    """


def _create(username: str, roles: tuple[str, ...], password: str, *, replace: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    model: Any = get_user_model()
    user = model.objects.filter(username=username).first()
    if user is not None and not replace:
        raise OneVoiceError(f"the user {username!r} exists already", hint="choose another username")
    candidate = user or model(username=username)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise UsageError(f"password refused: {' '.join(exc.messages)}") from exc
    with transaction.atomic():
        candidate.set_password(password)
        candidate.is_active = True
        candidate.save()
        candidate.groups.set(Group.objects.filter(name__in=roles))


@users.command()
@click.argument("username")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeatable."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
@DATA_OPTION
def create(username: str, roles: tuple[str, ...], password_stdin: bool, data_dir: str) -> None:
    """Create the account USERNAME with one or more roles.

    Without --password-stdin the password is asked for twice on the terminal. Passwords need
    12 characters or more and must not be common ones.

    \b
    Examples:
      onevoice users create alice --role analyst
      onevoice users create carol --role reviewer --role communicator
      printf '%s\\n' "$PW" | onevoice users create bob --role member --password-stdin
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise UsageError("the password is empty")
    from onevoice.web.bootstrap import setup

    setup(data_dir)
    _create(username, roles, password, replace=False)
    click.echo(f"created {username} ({', '.join(roles)})", err=True)


@users.command()
@DATA_OPTION
def demo(data_dir: str) -> None:
    """Create one demo account per role (username = role) and print their passwords.

    Writes "username<TAB>password" lines to stdout. Running it again gives the accounts new
    passwords. For trials only: never on a server with real data.

    \b
    Examples:
      onevoice users demo
      onevoice users demo --data /tmp/onevoice-web > demo-accounts.tsv
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir)
    for role in ROLES:
        password = secrets.token_urlsafe(12)
        _create(role, (role,), password, replace=True)
        click.echo(f"{role}\t{password}")
