"""``onevoice export`` and ``onevoice import``: exchange case files with partner task forces.

Exports write what :mod:`onevoice.web.cases.exchange` builds (STIX 2.1 bundles, MISP feeds,
platform CSVs) for approved or published cases that are not TLP:RED; imports turn partners'
STIX bundles and Meta's threat-research CSVs into draft cases
(:mod:`onevoice.web.cases.imports`). Every export and import is audited.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from onevoice.cli.serve_cmd import DATA_OPTION
from onevoice.errors import OneVoiceError, UsageError
from onevoice.web.roles import STAFF_ROLES

__all__ = ["export", "import_"]

USER_OPTION = click.option(
    "--user",
    "username",
    envvar="ONEVOICE_USER",
    metavar="NAME",
    help="The web account doing this (env ONEVOICE_USER); recorded in the audit log.",
)
CASE_OPTION = click.option(
    "--case", "case_ids", multiple=True, type=int, metavar="ID", help="A case (repeatable)."
)
ALL_OPTION = click.option(
    "--all-approved", is_flag=True, help="Every approved or published case but TLP:RED ones."
)


def _setup(data_dir: str) -> None:
    from onevoice.web.bootstrap import setup

    setup(data_dir)


def _user(username: str | None, *, required: bool, roles: tuple[str, ...]) -> Any:
    from django.contrib.auth import get_user_model

    from onevoice.web.roles import has_role

    if not username:
        if required:
            raise UsageError(
                "say which web account imports: --user NAME (or ONEVOICE_USER)",
                hint="imported cases are drafts owned by an analyst",
            )
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UsageError(f"there is no active web account {username!r}")
    if not has_role(user, *roles):
        raise UsageError(f"the account {username!r} is not one of: {', '.join(roles)}")
    return user


def _cases(case_ids: tuple[int, ...], all_approved: bool) -> list[Any]:
    """The cases to export, each checked; with --all-approved, every exportable case."""
    from onevoice.web.cases.exchange import check_exportable, exportable_cases
    from onevoice.web.cases.models import Case

    if bool(case_ids) == all_approved:
        raise UsageError("give --case ID (repeatable) or --all-approved, not both or neither")
    if all_approved:
        cases = list(exportable_cases())
        if not cases:
            raise OneVoiceError("no approved case to export", hint="a reviewer approves cases")
        return cases
    found = {c.pk: c for c in Case.objects.filter(pk__in=case_ids)}
    for pk in case_ids:
        if pk not in found:
            raise UsageError(f"there is no case {pk}", hint="list them on the web app's Cases page")
        check_exportable(found[pk])
    return [found[pk] for pk in dict.fromkeys(case_ids)]


def _audit(cases: list[Any], user: Any, fmt: str, **detail: Any) -> None:
    from onevoice.web.audit.models import audit

    via = "cli" if user is not None else f"cli ({os.environ.get('USER', 'unknown')})"
    for case in cases:
        audit(None, "export", "case", case.pk, user=user, format=fmt, via=via, **detail)


def _write(text: str, out: str) -> None:
    if out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OneVoiceError(f"cannot write {out}: {exc.strerror or exc}") from exc


@click.group()
def export() -> None:
    """Export approved cases for partners: STIX 2.1, a MISP feed, a CSV for platforms.

    Only approved or published cases leave OneVoice, never TLP:RED ones; the accounts of
    private individuals are pseudonymised (stable per case, like the printable report).

    \b
    Examples:
      onevoice export stix --case 12 --out case-12.stix.json
      onevoice export stix --all-approved --out - | jq '.objects | length'
      onevoice export misp --all-approved --out misp-feed/
      onevoice export platform-csv --case 12 --platform twitter --out twitter-12.csv
    """


@export.command("stix")
@CASE_OPTION
@ALL_OPTION
@click.option("--out", default="-", show_default=True, help="The bundle file, or - for stdout.")
@USER_OPTION
@DATA_OPTION
def export_stix(
    case_ids: tuple[int, ...], all_approved: bool, out: str, username: str | None, data_dir: str
) -> None:
    """Write a STIX 2.1 bundle of cases (OpenCTI reads it).

    A case is a report about an intrusion-set that uses DISARM attack-patterns (of the
    framework version it was tagged with), attributed to threat actors with the ICD 203
    likelihood as STIX confidence. IDs are deterministic: the same cases give the same
    bytes.

    \b
    Examples:
      onevoice export stix --case 12 --out case-12.stix.json
      onevoice export stix --case 12 --case 14 --out two-cases.json
      onevoice export stix --all-approved --user alice > approved.json
    """
    _setup(data_dir)
    from onevoice.exchange.stix_export import bundle_json
    from onevoice.web.cases.exchange import bundle_for_cases

    user = _user(username, required=False, roles=STAFF_ROLES)
    cases = _cases(case_ids, all_approved)
    _write(bundle_json(bundle_for_cases(cases)), out)
    _audit(cases, user, "stix", out=out)


@export.command("misp")
@CASE_OPTION
@ALL_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False), help="The feed folder.")
@click.option(
    "--taxonomies",
    type=click.Path(file_okay=False, exists=True),
    help="The MISP taxonomies folder (default: ONEVOICE_MISP_TAXONOMIES, ../shared/data/…).",
)
@USER_OPTION
@DATA_OPTION
def export_misp(
    case_ids: tuple[int, ...],
    all_approved: bool,
    out: str,
    taxonomies: str | None,
    username: str | None,
    data_dir: str,
) -> None:
    """Write a MISP feed: manifest.json, hashes.csv and one event per case.

    Add the folder (served over HTTP, or as a local feed) to MISP under Sync Actions → Feeds.
    Prints the files written.

    \b
    Examples:
      onevoice export misp --all-approved --out misp-feed/
      onevoice export misp --case 12 --out feed/ --taxonomies ../shared/data/misp-taxonomies
    """
    _setup(data_dir)
    from onevoice.exchange.misp_feed import write_feed
    from onevoice.web.cases.exchange import misp_files

    user = _user(username, required=False, roles=STAFF_ROLES)
    cases = _cases(case_ids, all_approved)
    for path in write_feed(misp_files(cases, taxonomies), out):
        click.echo(str(path))
    _audit(cases, user, "misp", out=out)


@export.command("platform-csv")
@CASE_OPTION
@ALL_OPTION
@click.option(
    "--platform",
    default="",
    metavar="NAME",
    help="For this platform's own team: only its accounts, named (default: all, pseudonymised).",
)
@click.option("--out", default="-", show_default=True, help="The CSV file, or - for stdout.")
@USER_OPTION
@DATA_OPTION
def export_platform_csv(
    case_ids: tuple[int, ...],
    all_approved: bool,
    platform: str,
    out: str,
    username: str | None,
    data_dir: str,
) -> None:
    """Write the accounts, URLs and domains of the cases' networks as CSV, defanged.

    Columns: case, network, kind, platform, value. URLs and domains are defanged
    (hxxps://example[.]org) so the list can be mailed safely. Accounts are pseudonymised,
    except with --platform, which lists only that platform's accounts and names them: the
    platform holds them already and needs them to act.

    \b
    Examples:
      onevoice export platform-csv --case 12 --out case-12.csv
      onevoice export platform-csv --case 12 --platform twitter --out twitter.csv
    """
    _setup(data_dir)
    from onevoice.web.cases.exchange import platform_csv_text

    user = _user(username, required=False, roles=STAFF_ROLES)
    cases = _cases(case_ids, all_approved)
    _write(platform_csv_text(cases, platform=platform), out)
    _audit(cases, user, "platform-csv", out=out, platform=platform or None)


@click.group("import")
def import_() -> None:
    """Import partners' case files as draft cases: STIX 2.1 bundles, Meta's indicators.

    Every file is read before anything is written; a file that cannot be imported is
    refused with its reason and nothing at all is imported.

    \b
    Examples:
      onevoice import stix --user alice --partner EEAS eeas-report.json
      onevoice import meta-indicators --user alice --store data cib/*.csv
      onevoice import taxii https://cti.example.org/taxii2/ --collection tlp-green \\
          --taxii-user onevoice --user alice --password-stdin < password.txt
    """


@import_.command("stix")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--partner",
    default="",
    metavar="NAME",
    help="Who sent the files: the source of cases whose bundle names no author.",
)
@USER_OPTION
@DATA_OPTION
def import_stix(files: tuple[str, ...], partner: str, username: str | None, data_dir: str) -> None:
    """Turn partners' STIX 2.1 bundles into draft cases.

    Each report becomes a draft case with the partner as its source, keeping the
    partner's STIX IDs and confidence values, so that exporting it again gives the same
    objects. A bundle imported before (same report id and time) is not imported twice.
    Refused: not JSON, unknown object types, broken references, STIX 2.0, validator errors,
    no report, DISARM techniques of a version that is not loaded. Prints
    "case<TAB>source<TAB>title" per case.

    \b
    Examples:
      onevoice import stix --user alice partner-bundle.json
      onevoice import stix --user alice --partner "EDMO hub" edmo/*.json
    """
    _setup(data_dir)
    from onevoice.web.cases.exchange import already_imported
    from onevoice.web.cases.imports import import_stix_files

    user = _user(username, required=True, roles=("analyst",))
    for case in import_stix_files([Path(f) for f in files], user, partner=partner):
        note = " (imported before)" if already_imported(case) else ""
        click.echo(f"{case.pk}\t{case.source}\t{case.title}{note}")


@import_.command("taxii")
@click.argument("url")
@click.option(
    "--collection", required=True, metavar="ID|ALIAS", help="The collection's id or alias."
)
@click.option(
    "--taxii-user",
    "taxii_user",
    required=True,
    metavar="NAME",
    help="The TAXII user name the partner gave us (not a OneVoice account).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
@click.option(
    "--added-after",
    metavar="TIMESTAMP",
    help="Only objects added after this time (default: after the last pull of the collection).",
)
@USER_OPTION
@click.option(
    "--source",
    default="",
    metavar="NAME",
    help="The partner: the source of reports that name no author (default: the host name).",
)
@DATA_OPTION
def import_taxii(
    url: str,
    collection: str,
    taxii_user: str,
    password_stdin: bool,
    added_after: str | None,
    username: str | None,
    source: str,
    data_dir: str,
) -> None:
    """Pull a partner's TAXII 2.1 collection into draft cases.

    URL is the partner's discovery URL (.../taxii2/) or an API root URL. Every page of the
    collection's objects is read, with the objects they refer to, and imported as one
    bundle, like 'onevoice import stix': all new reports or nothing. The next pull of the
    same collection only asks for what was added since (kept in the data folder); a report
    imported before at the same version is never imported twice. Without --password-stdin
    the password is asked for on the terminal. Prints "case<TAB>source<TAB>title" per case.

    \b
    Examples:
      onevoice import taxii https://cti.example.org/taxii2/ --collection tlp-green \\
          --taxii-user onevoice --user alice --source EEAS --password-stdin < password.txt
      printf '%s\\n' "$PW" | onevoice import taxii https://hub.example.eu/api1/ \\
          --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 --taxii-user tf \\
          --password-stdin --user alice
      onevoice import taxii https://cti.example.org/taxii2/ --collection tlp-green \\
          --taxii-user onevoice --added-after 2026-01-01T00:00:00Z --user alice
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("TAXII password", hide_input=True)
    if not password:
        raise UsageError("the password is empty")
    _setup(data_dir)
    from onevoice.web.cases.exchange import already_imported
    from onevoice.web.cases.taxii_pull import pull

    user = _user(username, required=True, roles=("analyst",))
    result = pull(
        url,
        collection,
        user=taxii_user,
        password=password,
        added_after=added_after,
        importing_user=user,
        source=source,
    )
    for case in result.cases:
        note = " (imported before)" if already_imported(case) else ""
        click.echo(f"{case.pk}\t{case.source}\t{case.title}{note}")
    since = f" added after {result.added_after}" if result.added_after else ""
    click.echo(
        f"{result.objects} objects{since} in {result.pages} pages from {result.collection_url}"
        f" (+{result.fetched_refs} referred to); {result.new} new cases,"
        f" {result.existing} imported before",
        err=True,
    )


@import_.command("meta-indicators")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Match the indicators against this store and attach the accounts that posted them.",
)
@USER_OPTION
@DATA_OPTION
def import_meta(
    files: tuple[str, ...], store_dir: str | None, username: str | None, data_dir: str
) -> None:
    """Turn Meta's threat-research CIB indicator CSVs into draft cases (source Meta).

    Indicators are refanged and classified; Meta's kill-chain techniques become DISARM 1.7
    techniques where the mapping is clear (DISARM 1.7 must be loaded). With --store, the
    domains, URLs and handles are looked up in the store: each account that posted them
    is printed and attached to the case as evidence to look at (rated F6, not judged).
    Prints "case<TAB>file<TAB>indicators" per file, then the matches.

    \b
    Examples:
      onevoice import meta-indicators --user alice ../shared/data/meta-threat-research/cib/*.csv
      onevoice import meta-indicators --user alice --store data Q1_2023_Iran.csv
    """
    _setup(data_dir)
    from onevoice.web.cases.imports import import_meta_files

    user = _user(username, required=True, roles=("analyst",))
    results = import_meta_files([Path(f) for f in files], user, store=store_dir)
    for result in results:
        counts = " ".join(f"{k}={v}" for k, v in result.counts.items()) or "none"
        note = " (imported before)" if result.existing else ""
        click.echo(f"{result.case.pk}\t{result.path.name}\t{counts}{note}")
        for problem in result.problems:
            click.echo(f"Warning: {problem}", err=True)
    for result in results:
        for m in result.matches:
            click.echo(
                f"match\t{result.case.pk}\t{m.kind}\t{m.value}\t{m.account_id}\t{m.posts} posts"
                f"\t{m.first_ts or ''}\t{m.last_ts or ''}"
            )
