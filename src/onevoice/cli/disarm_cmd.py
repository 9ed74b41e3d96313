"""``onevoice disarm``: load the DISARM Red framework into the web application's database."""

from __future__ import annotations

import click

from onevoice.cli.serve_cmd import DATA_OPTION


@click.group()
def disarm() -> None:
    """Load and list the DISARM framework versions cases are tagged with.

    DISARM (DISARM Foundation, CC BY-SA 4.0) is loaded from its STIX 2.1 bundles; each
    version is kept, so a case tagged under 1.6 keeps meaning what it meant.

    \b
    Examples:
      onevoice disarm load ../shared/data/disarm/
      onevoice disarm load DISARM-1.7.stix.json --data /srv/web
      onevoice disarm list
    """


@disarm.command()
@click.argument("path", type=click.Path(exists=True))
@DATA_OPTION
def load(path: str, data_dir: str) -> None:
    """Load DISARM-<version>.stix.json (or every such file in the folder PATH).

    Loading a version again changes nothing; a different file under a version already
    loaded is refused. Prints "version<TAB>tactics<TAB>techniques" per framework.

    \b
    Examples:
      onevoice disarm load ../shared/data/disarm/
      onevoice disarm load ../shared/data/disarm/DISARM-1.7.stix.json
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir)
    from onevoice.web.audit.models import audit
    from onevoice.web.cases.disarm import load_disarm_dir
    from onevoice.web.cases.models import DisarmFramework

    known = set(DisarmFramework.objects.values_list("version", flat=True))
    for fw in load_disarm_dir(path):
        if fw.version not in known:
            audit(None, "create", "disarm_framework", fw.version, source=fw.source_file)
        click.echo(f"{fw.version}\t{fw.tactics.count()}\t{fw.techniques.count()}")


@disarm.command("list")
@DATA_OPTION
def list_(data_dir: str) -> None:
    """List the loaded framework versions: version, tactics, techniques, source file.

    \b
    Examples:
      onevoice disarm list
      onevoice disarm list --data /srv/web
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir)
    from onevoice.web.cases.models import DisarmFramework

    for fw in DisarmFramework.objects.all():
        click.echo(f"{fw.version}\t{fw.tactics.count()}\t{fw.techniques.count()}\t{fw.source_file}")
