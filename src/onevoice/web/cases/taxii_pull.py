"""Pull a partner's TAXII 2.1 collection into draft cases.

:func:`pull` finds the collection (by id or alias) through the partner's discovery or API
root URL with ``taxii2-client``, reads every page of its objects (``added_after`` when
given, else after the last pull of that collection), fetches by id any object the new ones
refer to that was added before (an incremental pull holds only what changed), puts them in
one bundle and imports it like a file: :func:`~onevoice.exchange.stix_import.read_bundle`
refuses an invalid bundle whole, :func:`~onevoice.web.cases.exchange.import_cases` writes
the draft cases in one transaction, keeping the partner's STIX ids and confidence values.

As for ``onevoice import stix``, a case's source is the author its report names
(``created_by_ref``), else ``source`` (default: the server's host name); ``imported_from``
is the collection's URL. A report imported before at the same ``modified`` time is not
imported twice, so pulling again after a lost state only costs bandwidth.

The state of incremental pulls is a JSON file in ``DATA_DIR``
(:data:`STATE_FILE`): for each collection URL, the ``X-TAXII-Date-Added-Last`` of the last
page received. It is written (atomically) only after the import committed. New objects
without any report (a partner's update of objects alone) import nothing; the state moves on.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from taxii2client.common import _HTTPConnection  # type: ignore[import-untyped]
from taxii2client.exceptions import TAXIIServiceException  # type: ignore[import-untyped]
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages  # type: ignore[import-untyped]

from onevoice.errors import OneVoiceError, UsageError
from onevoice.exchange.stix_import import BundleRefused, read_bundle
from onevoice.web.audit.models import audit
from onevoice.web.cases.exchange import already_imported, disarm_catalogs, import_cases
from onevoice.web.cases.models import Case
from onevoice.web.cases.workflow import CasePermissionError
from onevoice.web.roles import has_role

__all__ = ["PAGE_SIZE", "STATE_FILE", "PullError", "PullResult", "pull", "remembered"]

#: Objects asked for per request (the server may send fewer; ``as_pages`` follows ``next``).
PAGE_SIZE = 500
#: Seconds to wait for the partner's server to connect or answer.
TIMEOUT = 60
#: The incremental-pull state, in ``settings.DATA_DIR``.
STATE_FILE = "taxii-pull-state.json"
#: Rounds of fetching referred-to objects by id (each round follows one level of refs).
_REF_ROUNDS = 4


class PullError(OneVoiceError):
    """The partner's server cannot be reached, refused us or does not speak TAXII 2.1."""


@dataclass
class PullResult:
    """What one pull received and imported."""

    collection_url: str
    added_after: str | None  # the filter used (None: everything)
    objects: int = 0  # objects received from the collection
    pages: int = 0
    fetched_refs: int = 0  # older objects fetched by id because new ones refer to them
    cases: list[Case] = field(default_factory=list)
    date_added_last: str | None = None  # remembered for the next pull

    @property
    def new(self) -> int:
        """Cases created by this pull."""
        return sum(not already_imported(c) for c in self.cases)

    @property
    def existing(self) -> int:
        """Reports imported before, at the same version: nothing was created for them."""
        return sum(already_imported(c) for c in self.cases)


class _Session(requests.Session):
    """A session with a timeout that remembers the headers of the last response."""

    last_headers: Mapping[str, str] = {}

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        response = super().request(*args, **kwargs)
        self.last_headers = response.headers  # case-insensitive
        return response


# -- state ----------------------------------------------------------------------------------


def _state_path() -> Path:
    return Path(settings.DATA_DIR) / STATE_FILE


def _read_state() -> dict[str, Any]:
    path = _state_path()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OneVoiceError(
            f"cannot read the TAXII pull state {path}: {exc}",
            hint="delete the file to pull everything again (cases imported before are kept)",
        ) from exc
    return data if isinstance(data, dict) else {}


def _write_state(key: str, entry: dict[str, Any]) -> None:
    state = _read_state()
    state[key] = entry
    path = _state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".taxii-pull-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        raise OneVoiceError(
            f"the cases are imported, but the pull state cannot be written to {path}: {exc}",
            hint="the next pull asks for everything again; reports imported before are kept",
        ) from exc


def remembered(collection_url: str) -> str | None:
    """The ``added_after`` the next pull of ``collection_url`` will use, if any."""
    entry = _read_state().get(collection_url)
    value = entry.get("date_added_last") if isinstance(entry, dict) else None
    return str(value) if value else None


# -- talking to the server ------------------------------------------------------------------


@contextmanager
def _talking_to(url: str, user: str) -> Iterator[None]:
    """Turn the client's network and protocol errors into :class:`PullError`."""
    host = urlsplit(url).netloc or url
    try:
        yield
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status == 401:
            raise PullError(
                f"{host} refused the TAXII user {user!r}: wrong user name or password",
                hint="check the credentials the partner gave you",
            ) from exc
        if status == 403:
            raise PullError(
                f"the TAXII user {user!r} may not read {url}",
                hint="ask the partner for access to that collection",
            ) from exc
        if status == 404:
            raise PullError(
                f"{url} was not found", hint="give the server's discovery or API root URL"
            ) from exc
        raise PullError(f"{host} answered HTTP {status} for {url}", hint="try again later") from exc
    except requests.Timeout as exc:
        raise PullError(
            f"{host} did not answer within {TIMEOUT} s", hint="try again later"
        ) from exc
    except requests.RequestException as exc:
        raise PullError(
            f"cannot reach {host}: {exc.__class__.__name__}",
            hint="check the URL, the network and any proxy (HTTPS_PROXY)",
        ) from exc
    except TAXIIServiceException as exc:
        raise PullError(
            f"{url} does not answer as a TAXII 2.1 server: {str(exc).splitlines()[0]}",
            hint="give the server's discovery or API root URL",
        ) from exc


def _find_collection(url: str, wanted: str, conn: Any) -> Collection:
    # The client makes the API roots of a Server with a connection of their own; ours
    # carries the timeout and keeps the headers, so each root is opened again with it.
    found = [str(root.url) for root in Server(url, conn=conn).api_roots]
    roots = [ApiRoot(root_url, conn=conn) for root_url in found or [url]]
    readable: list[str] = []
    for root in roots:
        for coll in root.collections:
            if wanted in (coll.id, coll.alias):
                if not coll.can_read:
                    raise PullError(f"the collection {wanted!r} at {url} cannot be read")
                return coll
            if coll.can_read:
                readable.append(f"{coll.id} ({coll.alias})" if coll.alias else coll.id)
    raise PullError(
        f"there is no collection {wanted!r} at {url}",
        hint="readable collections: " + (", ".join(readable) or "none"),
    )


def _envelope_objects(envelope: Any, url: str) -> list[dict[str, Any]]:
    objects = envelope.get("objects", []) if isinstance(envelope, dict) else None
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise BundleRefused(f"{url} answered an envelope without a list of objects")
    return objects


def _refs(obj: Any) -> set[str]:
    """Every id named by a ``*_ref``/``*_refs`` property, at any depth."""
    found: set[str] = set()
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key.endswith("_ref") and isinstance(value, str):
                found.add(value)
            elif key.endswith("_refs") and isinstance(value, list):
                found |= {v for v in value if isinstance(v, str)}
            else:
                found |= _refs(value)
    elif isinstance(obj, list):
        for item in obj:
            found |= _refs(item)
    return found


def _add(by_id: dict[str, dict[str, Any]], obj: dict[str, Any]) -> None:
    """Keep the newest version of each object."""
    oid = str(obj.get("id", ""))
    old = by_id.get(oid)
    if old is None or str(obj.get("modified", "")) >= str(old.get("modified", "")):
        by_id[oid] = obj


def _fetch_refs(coll: Collection, by_id: dict[str, dict[str, Any]]) -> int:
    """Fetch by id the objects the received ones refer to but were added earlier."""
    fetched, tried = 0, set(by_id)
    for _ in range(_REF_ROUNDS):
        missing = sorted(r for o in by_id.values() for r in _refs(o) if r not in tried)
        if not missing:
            break
        for oid in missing:
            tried.add(oid)
            try:
                envelope = coll.get_object(oid)
            except requests.HTTPError as exc:
                if exc.response is not None and exc.response.status_code == 404:
                    continue  # e.g. a TLP marking every tool knows; read_bundle judges
                raise
            for obj in _envelope_objects(envelope, coll.objects_url):
                _add(by_id, obj)
                fetched += 1
    return fetched


def _timestamp(value: str) -> str:
    """``value`` as a STIX timestamp in UTC, or :class:`UsageError`."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise UsageError(
            f"{value!r} is not a timestamp with a time zone",
            hint="e.g. 2026-01-31T00:00:00Z",
        )
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _receive(
    url: str, collection: str, user: str, password: str, added_after: str | None
) -> tuple[PullResult, dict[str, dict[str, Any]]]:
    """Every object of the collection added after ``added_after`` or the last pull."""
    conn = _HTTPConnection(version="2.1")
    by_id: dict[str, dict[str, Any]] = {}
    with _Session() as session, _talking_to(url, user):
        session.auth = requests.auth.HTTPBasicAuth(user, password)
        conn.session = session
        coll = _find_collection(url, collection, conn)
        after = added_after or remembered(str(coll.url))
        result = PullResult(collection_url=str(coll.url), added_after=after)
        filters = {"added_after": after} if after else {}
        for envelope in as_pages(coll.get_objects, per_request=PAGE_SIZE, **filters):
            result.pages += 1
            objects = _envelope_objects(envelope, coll.objects_url)
            result.objects += len(objects)
            for obj in objects:
                _add(by_id, obj)
            last = session.last_headers.get("X-TAXII-Date-Added-Last", "")
            if objects and _is_timestamp(last):
                result.date_added_last = last
            if envelope.get("more") and not envelope.get("next"):
                raise PullError(
                    f"{coll.objects_url} says there is more but gives no 'next' cursor",
                    hint="pull in steps with --added-after, or ask the partner to fix paging",
                )
        if any(o.get("type") == "report" for o in by_id.values()):
            result.fetched_refs = _fetch_refs(coll, by_id)
    return result, by_id


def _is_timestamp(value: str) -> bool:
    try:
        _timestamp(value)
    except UsageError:
        return False
    return True


# -- the pull -------------------------------------------------------------------------------


def pull(
    url: str,
    collection: str,
    *,
    user: str,
    password: str,
    added_after: str | None = None,
    importing_user: Any,
    source: str = "",
) -> PullResult:
    """Import a partner's TAXII 2.1 collection as draft cases: all new reports, or nothing.

    Args:
        url: the partner's discovery URL (``…/taxii2/``) or an API root URL.
        collection: the collection's id or alias.
        user: the TAXII user name the partner gave us (HTTP Basic).
        password: its password.
        added_after: only objects added after this STIX timestamp; default: after the last
            pull of this collection (everything on the first pull).
        importing_user: the analyst the draft cases belong to.
        source: the partner, for reports that name no author (default: the server's host).

    Returns:
        what was received and the cases (new, or imported before at the same version).

    Raises:
        CasePermissionError: ``importing_user`` is not an analyst.
        UsageError: ``added_after`` is not a timestamp with a time zone.
        PullError: the server cannot be reached, refuses the credentials or the collection,
            or does not speak TAXII 2.1; nothing is imported.
        BundleRefused: the objects do not make a valid STIX 2.1 bundle; nothing is imported.
        InputError: a case cannot be stored (e.g. a DISARM version that is not loaded).
    """
    if not has_role(importing_user, "analyst"):
        raise CasePermissionError("only an analyst may import cases", hint="ask an analyst")
    if added_after:
        added_after = _timestamp(added_after)
    result, by_id = _receive(url, collection, user, password, added_after)
    key, after = result.collection_url, result.added_after
    if any(o.get("type") == "report" for o in by_id.values()):
        bundle: dict[str, Any] = {"type": "bundle", "id": f"bundle--{_bundle_uuid(key, by_id)}"}
        bundle["objects"] = sorted(by_id.values(), key=lambda o: str(o.get("id")))
        try:
            exports = read_bundle(json.dumps(bundle), disarm=disarm_catalogs())
        except BundleRefused as exc:
            raise BundleRefused(f"{key}: {exc.message}", hint=exc.hint) from exc
        host = urlsplit(url).hostname or url
        result.cases = import_cases(
            exports, importing_user, source=source or host, imported_from=key
        )
    audit(  # each case created is audited too, by import_cases
        None,
        "view",
        "taxii-collection",
        key[:200],
        user=importing_user,
        via="taxii pull",
        added_after=after,
        objects=result.objects,
        new_cases=result.new,
    )
    if result.date_added_last:
        _write_state(
            key,
            {
                "date_added_last": result.date_added_last,
                "pulled_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "user": user,
            },
        )
    return result


def _bundle_uuid(key: str, by_id: dict[str, dict[str, Any]]) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key + "\n" + "\n".join(sorted(by_id))))
