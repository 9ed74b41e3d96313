"""The case-file models: DISARM as versioned data, cases, evidence, actors and judgements.

Two kinds of statement are kept apart on purpose. An :class:`Evidence` row says *what was
observed* (a network, an account, a post, content appearing at a URL or on an outlet) and
carries an Admiralty rating of that observation. A :class:`Judgement` says *who is behind
it* (this activity is attributed to actor Y) with an ICD 203 likelihood and a confidence.
"Content appeared on outlet X" is evidence; "X is run by Y" is a judgement.

Evidence is a frozen copy taken at attach time: re-analysing the store later does not change
a case, and :meth:`Evidence.save` refuses to change the copied data once stored. The
vocabularies are in :mod:`onevoice.web.cases.vocab`; the rules about who may move a case
through its workflow are in :mod:`onevoice.web.cases.workflow`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from onevoice.errors import OneVoiceError
from onevoice.web.cases import vocab

__all__ = [
    "Actor",
    "Case",
    "CaseAccount",
    "CaseActor",
    "CaseNarrative",
    "CaseTechnique",
    "CaseVersion",
    "DisarmFramework",
    "DisarmTactic",
    "DisarmTechnique",
    "Evidence",
    "FrozenEvidenceError",
    "Indicator",
    "Judgement",
]

_USER = settings.AUTH_USER_MODEL


class FrozenEvidenceError(OneVoiceError):
    """Someone tried to change the copied data of a piece of evidence or a case version."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} is a frozen copy and cannot be changed",
            hint="attach a new copy instead",
        )


# -- DISARM ----------------------------------------------------------------------------------


class DisarmFramework(models.Model):
    """One loaded version of the DISARM Red framework (e.g. ``1.7``)."""

    version = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    source_file = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    licence = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"DISARM {self.version}"


class DisarmTactic(models.Model):
    """A tactic (``TA17`` Maximise Exposure) of one framework version."""

    framework = models.ForeignKey(DisarmFramework, on_delete=models.CASCADE, related_name="tactics")
    external_id = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    shortname = models.CharField(max_length=100)  # the STIX kill-chain phase name
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "external_id"], name="uniq_tactic_id")
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.name}"


class DisarmTechnique(models.Model):
    """A technique (``T0049``) or sub-technique (``T0049.001``, with its ``parent``)."""

    framework = models.ForeignKey(
        DisarmFramework, on_delete=models.CASCADE, related_name="techniques"
    )
    external_id = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    tactic = models.ForeignKey(
        DisarmTactic, null=True, blank=True, on_delete=models.CASCADE, related_name="techniques"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subtechniques"
    )
    url = models.URLField(max_length=500, blank=True)
    stix_id = models.CharField(max_length=100)

    class Meta:
        ordering = ["framework", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "external_id"], name="uniq_technique_id")
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.name}"


# -- cases -----------------------------------------------------------------------------------


class Case(models.Model):
    """A case file. Change its status only through :func:`~.workflow.transition`."""

    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=vocab.choices(vocab.STATUSES), default="draft")
    rejection_reason = models.TextField(blank=True)
    tlp = models.CharField(max_length=20, choices=vocab.choices(vocab.TLP), default="amber")
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="cases_created")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Exchange with partners (onevoice.web.cases.exchange): who wrote the case, and for an
    # imported case what it was at its source, so that re-exporting it keeps the partner's
    # IDs and, while nobody here has changed it, its status and timestamps.
    source = models.CharField(max_length=200, default=vocab.OWN_SOURCE)
    source_id = models.CharField(max_length=300, blank=True)  # the case's id at its source
    stix_id = models.CharField(max_length=100, blank=True)  # the partner's report id
    source_status = models.CharField(max_length=20, blank=True)
    source_created = models.CharField(max_length=40, blank=True)  # STIX timestamps
    source_modified = models.CharField(max_length=40, blank=True)
    imported_from = models.CharField(max_length=500, blank=True)  # file name or URL
    imported_version = models.PositiveIntegerField(null=True, blank=True)
    references = models.JSONField(default=list, blank=True)  # public URLs about the case

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=vocab.STATUSES), name="case_status"),
            models.CheckConstraint(condition=Q(tlp__in=vocab.TLP), name="case_tlp"),
        ]

    def __str__(self) -> str:
        return f"case {self.pk}: {self.title}"

    @property
    def imported(self) -> bool:
        """True for a case imported from a partner (a STIX bundle or Meta's indicators)."""
        return bool(self.imported_from or self.stix_id or self.source_id)


class CaseVersion(models.Model):
    """A snapshot of a case after one change; the rows of a case are its history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20)
    action = models.CharField(max_length=50)  # "create", "submit", "attach network", …
    comment = models.TextField(blank=True)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="uniq_case_version")]

    def __str__(self) -> str:
        return f"case {self.case_id} v{self.number} ({self.action})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FrozenEvidenceError(f"version {self.number} of case {self.case_id}")
        super().save(*args, **kwargs)


class Evidence(models.Model):
    """A frozen copy of something observed, with its Admiralty rating.

    ``data`` is the copy (JSON), ``ref`` what it is a copy of (``run/network``, an account
    or post id, a URL), ``source_runs`` the detect runs and imports it came from.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=vocab.choices(vocab.EVIDENCE_KINDS))
    ref = models.CharField(max_length=500)
    title = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    source_runs = models.JSONField(default=list, blank=True)
    store_path = models.CharField(max_length=500, blank=True)
    source_reliability = models.CharField(
        max_length=1, choices=vocab.choices(vocab.RELIABILITY), default="F"
    )
    info_credibility = models.PositiveSmallIntegerField(
        choices=vocab.choices(vocab.CREDIBILITY), default=6
    )
    rating_validated = models.BooleanField(default=False)  # a second analyst checked it
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    captured_at = models.DateTimeField(auto_now_add=True)
    stix_id = models.CharField(max_length=100, blank=True)  # a partner's note or observation

    class Meta:
        ordering = ["case", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=vocab.EVIDENCE_KINDS), name="ev_kind"),
            models.CheckConstraint(
                condition=Q(source_reliability__in=list(vocab.RELIABILITY)), name="ev_reliability"
            ),
            models.CheckConstraint(
                condition=Q(info_credibility__gte=1, info_credibility__lte=6),
                name="ev_credibility",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref} ({self.admiralty})"

    @property
    def admiralty(self) -> str:
        """The Admiralty code, e.g. ``B2``."""
        return f"{self.source_reliability}{self.info_credibility}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            old = type(self).objects.filter(pk=self.pk).values("kind", "ref", "data").first()
            if old is not None and (old["kind"], old["ref"], old["data"]) != (
                self.kind,
                self.ref,
                self.data,
            ):
                raise FrozenEvidenceError(f"evidence {self.pk}")
        super().save(*args, **kwargs)


class CaseAccount(models.Model):
    """How a case treats one account in published or exported output.

    Accounts of private individuals are pseudonymised (:func:`~.pseudonyms.pseudonymise`);
    a public figure or a state asset is named.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accounts")
    account_id = models.CharField(max_length=300)
    public_figure = models.BooleanField(default=False)
    state_asset = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    platform = models.CharField(max_length=50, blank=True)
    handle = models.CharField(max_length=300, blank=True)
    pseudonymised = models.BooleanField(default=False)  # account_id is already a pseudonym
    stix_id = models.CharField(max_length=100, blank=True)  # a partner's channel id

    class Meta:
        ordering = ["case", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "account_id"], name="uniq_case_account")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in case {self.case_id}"

    @property
    def named(self) -> bool:
        """True when the account may be named in published output."""
        return bool(self.public_figure or self.state_asset)


class CaseTechnique(models.Model):
    """A DISARM technique observed in a case, kept as ID plus framework version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="techniques")
    technique = models.ForeignKey(DisarmTechnique, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=20)  # copied, so the ID survives on its own
    framework_version = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "technique"], name="uniq_case_technique")
        ]

    def __str__(self) -> str:
        return f"{self.external_id} (DISARM {self.framework_version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.external_id = self.technique.external_id
        self.framework_version = self.technique.framework.version
        super().save(*args, **kwargs)


class Actor(models.Model):
    """Who may be behind activity: a state body, an outlet's owner, a company, a group."""

    name = models.CharField(max_length=300, unique=True)
    category = models.CharField(
        max_length=20, choices=vocab.choices(vocab.ACTOR_CATEGORIES), default="unknown"
    )
    country = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=vocab.ACTOR_CATEGORIES), name="actor_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"


class Judgement(models.Model):
    """An attribution: the case's activity (or ``subject``) is attributed to ``actor``.

    ``likelihood`` is an ICD 203 word (its probability range in
    :data:`~.vocab.LIKELIHOOD_RANGES`); ``confidence`` is the analysts' confidence in the
    sources and reasoning, stated separately as ICD 203 asks.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="judgements")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="judgements")
    subject = models.CharField(max_length=300, blank=True)  # e.g. "outlet example.org"
    likelihood = models.CharField(max_length=30, choices=vocab.choices(vocab.LIKELIHOOD))
    confidence = models.CharField(max_length=10, choices=vocab.choices(vocab.CONFIDENCE))
    rationale = models.TextField()
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="judgements")
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    stix_id = models.CharField(max_length=100, blank=True)  # a partner's relationship id

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__in=vocab.LIKELIHOOD), name="judgement_likelihood"
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=vocab.CONFIDENCE), name="judgement_confidence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_likelihood_display()} ({self.confidence} confidence): {self.actor}"

    @property
    def probability_range(self) -> tuple[int, int]:
        """The likelihood word's probability range in percent, e.g. ``(55, 80)``."""
        return vocab.LIKELIHOOD_RANGES[self.likelihood]


# -- exchange with partners ------------------------------------------------------------------


class CaseActor(models.Model):
    """An actor a case names, with the partner's STIX id (imported cases).

    A case's actors are those of its judgements plus these rows: a partner's bundle may name
    a threat actor without attributing anything to it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_actors")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    stix_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "actor"], name="uniq_case_actor")]

    def __str__(self) -> str:
        return f"{self.actor_id} in case {self.case_id}"


class CaseNarrative(models.Model):
    """A narrative a case documents (an OpenCTI ``narrative``), with the claims carrying it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="narratives")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    claims = models.JSONField(default=list, blank=True)
    stix_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["case", "name", "id"]

    def __str__(self) -> str:
        return f"narrative {self.name!r} of case {self.case_id}"


class Indicator(models.Model):
    """An indicator of a case: a URL, domain, e-mail address, handle, IP, hash or free text.

    ``value`` is refanged (``example.org``); exports defang it where the format asks.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=10, choices=vocab.choices(vocab.INDICATOR_KINDS))
    value = models.TextField()
    platform = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)
    stix_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=vocab.INDICATOR_KINDS), name="indicator_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} (case {self.case_id})"
