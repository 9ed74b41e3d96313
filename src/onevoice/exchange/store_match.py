"""Match imported indicators against the analytic store: which accounts shared them?

After a partner's indicators are imported (:mod:`.meta_indicators`, :mod:`.stix_import`),
the analyst's first question is whether any of them appear in our own data. This module
answers it with one DuckDB query per indicator kind:

- ``domain``: posts whose ``domains`` contain the domain or one of its subdomains
  (``news.example.org`` matches the indicator ``example.org``; the reverse does not);
- ``url``: posts whose canonical ``urls`` contain the indicator's canonical URL
  (:func:`onevoice.ingest.normalise.canonical_url`, so tracking parameters do not matter);
- ``handle``: accounts whose handle equals the indicator, case-folded and without ``@``
  (and on the indicator's platform, when it names one), and their posts.

A match is evidence to look at, not a verdict: a domain shared by an account may have
been shared to debunk it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from onevoice.exchange.model import IndicatorRef
from onevoice.ingest.normalise import canonical_url
from onevoice.store.store import Store

__all__ = ["IndicatorMatch", "match_indicators"]


@dataclass(frozen=True)
class IndicatorMatch:
    """One account that posted (or is) an indicator."""

    kind: str
    value: str
    account_id: str
    posts: int
    first_ts: str | None
    last_ts: str | None


_DOMAIN_SQL = """
    SELECT i.value, p.account_id, count(DISTINCT p.post_id),
           min(p.created_at)::VARCHAR, max(p.created_at)::VARCHAR
    FROM (SELECT unnest(?::VARCHAR[]) AS value) i
    JOIN (SELECT post_id, account_id, created_at, unnest(domains) AS domain FROM posts) p
      ON p.domain = i.value OR p.domain LIKE '%.' || i.value
    WHERE p.account_id IS NOT NULL
    GROUP BY ALL ORDER BY 1, 3 DESC, 2
"""
_URL_SQL = """
    SELECT i.value, p.account_id, count(DISTINCT p.post_id),
           min(p.created_at)::VARCHAR, max(p.created_at)::VARCHAR
    FROM (SELECT unnest(?::VARCHAR[]) AS value) i
    JOIN (SELECT post_id, account_id, created_at, unnest(urls) AS url FROM posts) p
      ON p.url = i.value
    WHERE p.account_id IS NOT NULL
    GROUP BY ALL ORDER BY 1, 3 DESC, 2
"""
_HANDLE_SQL = """
    SELECT i.value, a.account_id, count(DISTINCT p.post_id),
           min(p.created_at)::VARCHAR, max(p.created_at)::VARCHAR
    FROM (SELECT unnest(?::VARCHAR[]) AS value, unnest(?::VARCHAR[]) AS platform) i
    JOIN (SELECT DISTINCT account_id, platform, handle FROM accounts) a
      ON lower(ltrim(a.handle, '@')) = i.value
     AND (i.platform = '' OR a.platform = i.platform)
    LEFT JOIN posts p ON p.account_id = a.account_id
    GROUP BY ALL ORDER BY 1, 3 DESC, 2
"""


def match_indicators(store: Store, indicators: Iterable[IndicatorRef]) -> list[IndicatorMatch]:
    """The accounts of ``store`` that posted each domain or URL or hold each handle.

    Returns:
        one :class:`IndicatorMatch` per (indicator, account), by indicator kind and value,
        then by the number of posts (most first). Indicators of other kinds are skipped.
    """
    domains: set[str] = set()
    urls: dict[str, str] = {}
    handles: dict[tuple[str, str], str] = {}
    for ind in indicators:
        if ind.kind == "domain":
            domains.add(ind.value.lower())
        elif ind.kind == "url":
            canonical = canonical_url(ind.value if "://" in ind.value else "http://" + ind.value)
            if canonical:
                urls[canonical] = ind.value
        elif ind.kind == "handle":
            handles[(ind.value.lower().lstrip("@"), ind.platform)] = ind.value
    found: list[IndicatorMatch] = []
    if domains:
        for value, account, posts, first, last in store.execute(
            _DOMAIN_SQL, [sorted(domains)]
        ).fetchall():
            found.append(IndicatorMatch("domain", value, account, posts, first, last))
    if urls:
        for value, account, posts, first, last in store.execute(
            _URL_SQL, [sorted(urls)]
        ).fetchall():
            found.append(IndicatorMatch("url", urls[value], account, posts, first, last))
    if handles:
        keys = sorted(handles)
        rows = store.execute(_HANDLE_SQL, [[k[0] for k in keys], [k[1] for k in keys]])
        by_value = {k[0]: v for k, v in handles.items()}
        for value, account, posts, first, last in rows.fetchall():
            found.append(IndicatorMatch("handle", by_value[value], account, posts, first, last))
    return found
