"""The parameters of a detection run, in one place (stored with the run for reproducibility)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["DetectParams"]


@dataclass(frozen=True)
class DetectParams:
    """What a detection run does.

    Attributes:
        kinds: coordination kinds to compute (see :data:`onevoice.detect.kinds.KINDS`).
        window: Δ in seconds, or ``"auto"`` for CooRnet's data-driven estimate.
        min_weight: keep edges with at least this many distinct co-shared items; a string
            ``"q0.95"`` means that quantile of each kind's weight distribution instead.
        kind_min_weight: the same, for single kinds (``{"co-hashtag": 3}``): hashtags are
            shared far more widely than links, so they usually need a higher bar.
        seed: for Leiden and MinHash; the same seed gives the same result.
        text_threshold: Jaccard similarity for ``co-text`` near-duplicates (0–1).
        resolution: Leiden's resolution (higher: smaller networks).
        hub_share: the share of a network's members named hubs (at least one).
        platforms: restrict to these platforms (empty: all).
    """

    kinds: tuple[str, ...] = ("co-link", "co-repost")
    window: float | str = 60.0
    min_weight: float | str = 2
    kind_min_weight: tuple[tuple[str, float | str], ...] = ()
    seed: int = 0
    text_threshold: float = 0.7
    resolution: float = 1.0
    hub_share: float = 0.1
    platforms: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["kinds"] = list(self.kinds)
        d["platforms"] = list(self.platforms)
        d["kind_min_weight"] = dict(self.kind_min_weight)
        return d

    def min_weight_for(self, kind: str) -> float | str:
        """The threshold for ``kind``: its own if given, else :attr:`min_weight`."""
        return dict(self.kind_min_weight).get(kind, self.min_weight)

    def posts_filter(self) -> str:
        """SQL condition on ``posts`` for the platform restriction (``TRUE`` for none)."""
        if not self.platforms:
            return "TRUE"
        quoted = ", ".join("'" + p.replace("'", "''") + "'" for p in self.platforms)
        return f"platform IN ({quoted})"
