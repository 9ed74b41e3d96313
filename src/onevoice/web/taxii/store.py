"""What the TAXII server serves: one collection per TLP level, filled from approved cases.

**Collections.** There is one collection per TLP 2.0 level (``tlp-clear``, ``tlp-green``,
``tlp-amber``, ``tlp-amber-strict``, ``tlp-red``; the ``alias`` of each, its ``id`` a fixed
UUID). A collection holds the objects of the approved and published cases marked *exactly*
that level; a partner sees, and may read, the collections up to its clearance. We chose
this over one collection filtered per partner because a collection is then the same for
everyone who may read it (so ``date_added``, the manifest and the ``next`` cursors mean one
thing), and because OpenCTI and MISP subscribe to a feed per collection: a partner can map
each level to its own sharing rule (MISP distribution, OpenCTI marking) without reading
markings object by object. Objects shared by cases of several levels (TLP marking
definitions, the DISARM techniques, source identities) appear in each such collection.

**Date added.** The objects of a case enter its collection when the case is approved, and
again, as new STIX versions, if publishing it changes them. Their ``date_added`` is the
time of that approval or publication, taken from the case's version history — not the
time a partner first asked — and a served row is never changed afterwards, so
``added_after`` and the ``next`` cursors stay valid. An object already served keeps the
``date_added`` of the first case that brought it. One exception keeps incremental pulls
complete: a case stored after a *later* case of the same collection (its export failed at
first, or its approval committed late) gets the time it is stored instead, because a
partner may already have asked for everything added after that later case.

**Sync.** :func:`sync_cases` runs before each read of a collection: it finds approved or
published cases whose latest version has not been served yet, asks
:func:`onevoice.web.cases.exchange.bundle_for_cases` for each one's pseudonymised STIX
bundle (once per case version: the rows are the cache) and stores its objects. Cases in
draft, in review or rejected are never exported.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from onevoice.errors import OneVoiceError
from onevoice.web.cases import vocab
from onevoice.web.cases.models import Case
from onevoice.web.taxii.models import CaseSync, Partner, ServedObject
from onevoice.web.taxii.protocol import TaxiiError, format_timestamp, parse_timestamp

__all__ = [
    "COLLECTIONS",
    "SERVED_STATUSES",
    "Collection",
    "bundle_for_case",
    "collection_for",
    "collections_for",
    "sync_cases",
]

log = logging.getLogger(__name__)

#: Case statuses whose objects are served; draft, in review and rejected never are.
SERVED_STATUSES: tuple[str, ...] = ("approved", "published")
#: Case-history actions that put a case's objects in its collection.
_RELEASE_ACTIONS = ("approve", "publish")
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://onevoice.example/taxii2/collections")


@dataclass(frozen=True)
class Collection:
    """The collection of one TLP level."""

    tlp: str
    id: str
    alias: str

    def resource(self) -> dict[str, Any]:
        """The TAXII collection resource (read-only: ``can_write`` is false)."""
        label = f"TLP:{self.tlp.upper()}"
        return {
            "id": self.id,
            "title": f"OneVoice cases, {label}",
            "description": (
                f"Approved and published OneVoice case files marked {label}, as STIX 2.1 "
                "(reports, intrusion sets, DISARM attack patterns, indicators, notes). "
                "Private accounts are pseudonymised."
            ),
            "alias": self.alias,
            "can_read": True,
            "can_write": False,
            "media_types": ["application/stix+json;version=2.1"],
        }


def _collection(tlp: str) -> Collection:
    alias = "tlp-" + tlp.replace("+", "-")
    return Collection(tlp, str(uuid.uuid5(_NAMESPACE, alias)), alias)


#: One collection per TLP level, from CLEAR to RED.
COLLECTIONS: tuple[Collection, ...] = tuple(_collection(t) for t in vocab.TLP)


def collections_for(partner: Partner) -> list[Collection]:
    """The collections ``partner`` may read (those up to its clearance)."""
    return [c for c in COLLECTIONS if partner.may_read(c.tlp)]


def collection_for(partner: Partner, collection_id: str) -> Collection:
    """The collection ``collection_id`` if ``partner`` may read it.

    Raises:
        TaxiiError: 404 for an unknown ID, 403 for a collection above the clearance.
    """
    for collection in COLLECTIONS:
        if collection_id == collection.id:
            if not partner.may_read(collection.tlp):
                raise TaxiiError(
                    403,
                    f"collection {collection.alias} is above the clearance of "
                    f"{partner.name} (TLP:{partner.clearance.upper()})",
                )
            return collection
    raise TaxiiError(404, f"there is no collection {collection_id!r} in this API root")


def bundle_for_case(case: Case) -> dict[str, Any]:
    """The pseudonymised STIX 2.1 bundle of one case (the case-exchange module's)."""
    from onevoice.web.cases.exchange import bundle_for_cases

    return bundle_for_cases([case])


def _object_version(obj: dict[str, Any], fallback: datetime) -> tuple[str, datetime]:
    text = str(obj.get("modified") or obj.get("created") or "")
    if not text:
        text = format_timestamp(fallback)
    try:
        return text, parse_timestamp(text, "version")
    except TaxiiError:
        return text, fallback


def _release_time(case: Case, up_to: int) -> datetime | None:
    version = (
        case.versions.filter(action__in=_RELEASE_ACTIONS, number__lte=up_to)
        .order_by("-number")
        .first()
    )
    return version.created_at if version is not None else None


def _store(case: Case, number: int, date_added: datetime) -> int:
    bundle = bundle_for_case(case)
    rows = []
    for obj in bundle.get("objects", []):
        version, version_ts = _object_version(obj, date_added)
        rows.append(
            ServedObject(
                tlp=case.tlp,
                stix_id=str(obj["id"]),
                stix_type=str(obj["type"]),
                spec_version=str(obj.get("spec_version", "2.1")),
                version=version,
                version_ts=version_ts,
                date_added=date_added,
                case=case,
                data=obj,
            )
        )
    with transaction.atomic():
        ServedObject.objects.bulk_create(rows, ignore_conflicts=True)
        CaseSync.objects.update_or_create(case=case, defaults={"version_number": number})
    return len(rows)


def sync_cases() -> int:
    """Serve the objects of approved and published cases not served at their last version.

    Returns:
        how many cases were (re)exported. A case whose export fails is logged and tried
        again on the next request; the others are served meanwhile.
    """
    synced = dict(CaseSync.objects.values_list("case_id", "version_number"))
    pending = []
    for case in Case.objects.filter(status__in=SERVED_STATUSES).annotate(
        last_version=Max("versions__number")
    ):
        number = int(case.last_version or 0)
        if number and synced.get(case.pk, 0) < number:
            released = _release_time(case, number)
            if released is not None:
                pending.append((released, case.pk, case, number))
    done = 0
    for released, _pk, case, number in sorted(pending, key=lambda p: (p[0], p[1])):
        newest = ServedObject.objects.filter(tlp=case.tlp).aggregate(m=Max("date_added"))["m"]
        # A case stored late (its export failed before, or its approval committed after a
        # later one was served) must not land before what partners have already paged past.
        date_added = released if newest is None or released > newest else timezone.now()
        try:
            _store(case, number, date_added)
        except OneVoiceError as exc:
            log.warning("TAXII: case %s cannot be exported: %s", case.pk, exc.message)
            continue
        except IntegrityError:  # another request stored it at the same moment
            continue
        done += 1
    return done
