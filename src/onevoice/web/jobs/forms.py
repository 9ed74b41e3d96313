"""The three forms of the jobs page: upload an export, run detection, run claim matching."""

from __future__ import annotations

from typing import Any

from django import forms

from onevoice.web.jobs.uploads import format_choices


def _kind_choices() -> list[tuple[str, str]]:
    from onevoice.detect.kinds import KINDS

    return [(k, k) for k in KINDS]


class UploadForm(forms.Form):
    file = forms.FileField(label="Export file", help_text="JSON Lines, JSON, CSV; gzip is fine")
    format = forms.ChoiceField(label="Format", choices=(), initial="auto")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = format_choices()


class DetectForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Coordination kinds",
        choices=(),
        initial=["co-link", "co-repost"],
        widget=forms.CheckboxSelectMultiple,
    )
    window = forms.CharField(
        label="Window (seconds, or auto)", initial="60", max_length=20, required=True
    )
    min_weight = forms.CharField(
        label="Minimum weight",
        initial="2",
        max_length=100,
        help_text="distinct co-shared items, a quantile such as q0.95, or co-hashtag=3",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = _kind_choices()


class MatchForm(forms.Form):
    top = forms.IntegerField(label="Suggestions per post", initial=5, min_value=1, max_value=100)
    min_score = forms.FloatField(
        label="Minimum score (0–1)", required=False, min_value=0.0, max_value=1.0
    )
    lexical_only = forms.BooleanField(
        label="Lexical only (faster, one language)", required=False, initial=False
    )
