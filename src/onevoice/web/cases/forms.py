"""The forms of the case pages; the views hand their cleaned data to :mod:`.workflow`.

The forms check shapes only (required fields, known choices); the rules (who may do what,
in which state) stay in the workflow, which the API calls too.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from onevoice.web.cases import vocab
from onevoice.web.cases.models import DisarmFramework, DisarmTechnique

__all__ = [
    "AccountForm",
    "CaseForm",
    "FromNetworkForm",
    "JudgementForm",
    "RatingForm",
    "TechniqueForm",
    "TransitionForm",
    "technique_choices",
]

_TLP_HELP = "Who may receive the case (TLP 2.0): CLEAR is public … RED is named people only."


class CaseForm(forms.Form):
    """Title, summary and TLP marking of a case (new or edited)."""

    title = forms.CharField(max_length=300)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    tlp = forms.ChoiceField(
        label="TLP marking", choices=vocab.choices(vocab.TLP), initial="amber", help_text=_TLP_HELP
    )


class FromNetworkForm(forms.Form):
    """A network of a detect run to open a case from (posted by the network explorer)."""

    run_id = forms.CharField(max_length=200)
    network_id = forms.IntegerField(min_value=1)


class TransitionForm(forms.Form):
    """A workflow move; a rejection needs the comment (the workflow says so)."""

    to = forms.ChoiceField(choices=vocab.choices(vocab.STATUSES))
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RatingForm(forms.Form):
    """The Admiralty rating of one piece of evidence."""

    reliability = forms.ChoiceField(
        label="Source reliability", choices=vocab.choices(vocab.RELIABILITY)
    )
    credibility = forms.TypedChoiceField(
        label="Information credibility", choices=vocab.choices(vocab.CREDIBILITY), coerce=int
    )
    validated = forms.BooleanField(label="Checked by a second analyst", required=False)


class AccountForm(forms.Form):
    """Whether an account may be named in the report."""

    account_id = forms.CharField(
        label="Account",
        max_length=300,
        widget=forms.TextInput(attrs={"list": "member-accounts", "autocomplete": "off"}),
        help_text="An account id such as twitter:12345; the network's members are suggested.",
    )
    public_figure = forms.BooleanField(label="Public figure", required=False)
    state_asset = forms.BooleanField(label="State asset", required=False)
    note = forms.CharField(max_length=1000, required=False)


#: Technique choices per (loaded frameworks, framework, query): DISARM versions never change
#: once loaded (a different file under a loaded version is refused), so the 400-odd rows are
#: read once, not on every case page.
_CHOICES: OrderedDict[tuple[Any, ...], list[tuple[str, list[tuple[int, str]]]]] = OrderedDict()


def technique_choices(
    framework: DisarmFramework | None, query: str = ""
) -> list[tuple[str, list[tuple[int, str]]]]:
    """Techniques of ``framework`` grouped by tactic (``optgroup``s), filtered by ``query``.

    ``framework=None``: the techniques of every loaded version (to validate a posted choice).
    """
    loaded = tuple(DisarmFramework.objects.order_by("pk").values_list("pk", "loaded_at"))
    key = (loaded, framework.pk if framework else None, query.strip())
    if key not in _CHOICES:
        _CHOICES[key] = _technique_choices(framework, query)
        while len(_CHOICES) > 64:
            _CHOICES.popitem(last=False)
    return _CHOICES[key]


def _technique_choices(
    framework: DisarmFramework | None, query: str = ""
) -> list[tuple[str, list[tuple[int, str]]]]:
    """:func:`technique_choices`, uncached."""
    found = DisarmTechnique.objects.select_related("tactic")
    if framework is not None:
        found = found.filter(framework=framework)
    query = query.strip()
    if query:
        found = found.filter(external_id__icontains=query) | found.filter(name__icontains=query)
    groups: dict[str, list[tuple[int, str]]] = {}
    for t in found.order_by("tactic__external_id", "external_id"):
        label = f"{t.tactic.external_id} {t.tactic.name}" if t.tactic else "No tactic"
        groups.setdefault(label, []).append((t.pk, f"{t.external_id} {t.name}"))
    return sorted(groups.items(), key=lambda g: (len(g[0].split()[0]), g[0]))


class FastSelect(forms.Select):
    """A ``<select>`` (with ``<optgroup>``s) built in Python rather than one template per option.

    Django's :class:`~django.forms.Select` renders every ``<option>`` through a template
    include; DISARM has 445 techniques, which made that one select most of a case page's
    rendering time. The markup is the same, escaped with :func:`format_html`.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})

        def options(choices: Any) -> SafeString:
            return mark_safe(  # every value and label passes through escape()
                "".join(
                    f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}>'
                    f"{escape(label)}</option>"
                    for v, label in choices
                )
            )

        parts = []
        for group, items in self.choices:
            if isinstance(items, list | tuple):
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group, options(items))
                )
            else:
                parts.append(options([(group, items)]))
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(parts)))


class TechniqueForm(forms.Form):
    """A DISARM technique of one loaded framework version, chosen from a grouped select."""

    technique = forms.TypedChoiceField(label="Technique", coerce=int, choices=[], widget=FastSelect)
    note = forms.CharField(max_length=1000, required=False)

    def __init__(
        self, *args: Any, framework: DisarmFramework | None = None, query: str = "", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        field = self.fields["technique"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = technique_choices(framework, query)
        if framework is not None:
            field.label = f"Technique (DISARM {framework.version})"

    def chosen(self) -> DisarmTechnique:
        """The chosen technique (after :meth:`is_valid`)."""
        chosen: DisarmTechnique = DisarmTechnique.objects.select_related("framework").get(
            pk=self.cleaned_data["technique"]
        )
        return chosen


class JudgementForm(forms.Form):
    """An attribution: actor (new or known, with its EEAS category), ICD 203 words."""

    actor = forms.CharField(
        label="Actor",
        max_length=300,
        widget=forms.TextInput(attrs={"list": "known-actors", "autocomplete": "off"}),
        help_text="A known actor or a new one.",
    )
    category = forms.ChoiceField(
        label="Actor category (EEAS)",
        choices=vocab.choices(vocab.ACTOR_CATEGORIES),
        initial="unknown",
        help_text="Used only when the actor is new.",
    )
    subject = forms.CharField(
        label="Subject",
        max_length=300,
        required=False,
        help_text="What is attributed, e.g. “outlet news.example”; empty: the case's activity.",
    )
    likelihood = forms.ChoiceField(
        label="Likelihood (ICD 203)",
        choices=[
            (w, "{} ({}–{} %)".format(w.replace("_", " "), *vocab.LIKELIHOOD_RANGES[w]))
            for w in vocab.LIKELIHOOD
        ],
        initial="roughly_even_chance",
    )
    confidence = forms.ChoiceField(
        label="Confidence", choices=vocab.choices(vocab.CONFIDENCE), initial="low"
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.TypedMultipleChoiceField(
        label="Rests on evidence",
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, evidence: list[tuple[int, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["evidence"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = evidence or []
