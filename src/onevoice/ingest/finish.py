"""Turn one import's staging table into canonical ``posts`` and ``accounts`` rows.

Runs inside the import's transaction, as set-based SQL in DuckDB. The normalisers of
:mod:`onevoice.ingest.normalise` are registered as vectorised user functions and applied to
list elements; being cached, each distinct URL, tag or handle is normalised once.

Steps:
1. **Merge** rows of the same post (``<platform>:<native id>``): long-form exports such as
   CooRTweet's give one row per post *and* shared object. Scalars come from the post's
   first row (by source line); list values are concatenated in source order and
   de-duplicated, so nothing shared is lost and the result does not depend on batching.
2. **Normalise**: canonical URLs (an empty or non-URL value is dropped, with a warning
   when the export claimed it was a URL), domains, hashtags, mentions; entities missing
   from the export are extracted from the text with the patterns below; platform language
   codes reduced to ISO 639-1, and detected with Lingua where the platform gave none.
3. **Insert** only posts not already in the store (re-importing adds nothing), and add or
   extend accounts (first/last seen).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from onevoice.ingest.lang import detect_languages
from onevoice.ingest.normalise import (
    canonical_url,
    normalise_hashtag,
    normalise_lang,
    normalise_mention,
    url_domain,
)

__all__ = ["HASHTAG_RE", "MENTION_RE", "URL_RE", "finish_import", "register_functions"]

#: RE2 patterns (DuckDB's engine) for entities in free text. A hashtag or mention must not
#: follow a letter, digit or ``&`` (HTML entities), nor ``/`` (URL paths); ``\p{M}`` keeps
#: the vowel signs of Indic scripts inside a tag.
URL_RE = r"(?i)(?:https?://|www\.)[^\s<>\"'{}|\\^`\[\]]*[^\s<>\"'{}|\\^`\[\].,;:!?…»›“”’]"
HASHTAG_RE = r"(?:^|[^\p{L}\p{M}\p{N}_&/#＃])[#＃]([\p{L}\p{M}\p{N}_]+)"
MENTION_RE = (
    r"(?:^|[^\p{L}\p{M}\p{N}_/.@＠])[@＠]"
    r"([A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)?)"
)


#: SQL fast paths in front of the Python normalisers, for values whose normal form is
#: plain: an already-canonical http(s) URL, an ASCII tag or handle, a two-letter language
#: code. Each gives exactly what the Python function gives (a property test checks it);
#: everything else goes to Python, once per distinct value of a vector.
FAST_PATHS = {
    "ov_url": (
        "CASE WHEN regexp_full_match(x, 'https?://[a-z0-9][a-z0-9.-]*\\.[a-z]{2,}"
        "/[^?#\\s()<>\"\\\\^`{|}\\[\\]]*') THEN x ELSE ov_py_url(x) END"
    ),
    "ov_domain": (
        "CASE WHEN regexp_full_match(x, 'https?://[a-z0-9.-]+(:[0-9]+)?/.*') "
        "THEN regexp_extract(x, '^https?://(?:www\\.)?([a-z0-9.-]+)', 1) "
        "ELSE ov_py_domain(x) END"
    ),
    "ov_hashtag": (
        "CASE WHEN regexp_full_match(x, '#?[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*') "
        "THEN lower(ltrim(x, '#')) ELSE ov_py_hashtag(x) END"
    ),
    "ov_mention": (
        "CASE WHEN regexp_full_match(x, '@?[A-Za-z0-9_]+') "
        "THEN lower(ltrim(x, '@')) ELSE ov_py_mention(x) END"
    ),
    "ov_lang_code": (
        "CASE WHEN regexp_full_match(x, '[a-z]{2}') THEN x ELSE ov_py_lang_code(x) END"
    ),
}


def _vectorised(fn: Any) -> Any:
    """Wrap a scalar normaliser as an Arrow UDF that calls it once per *distinct* value
    of each vector (DuckDB hands UDFs 2,048 values at a time; URLs and tags repeat)."""

    def udf(arr: Any) -> Any:  # DuckDB evaluates these annotations: keep them plain
        encoded = pc.dictionary_encode(arr)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], pa.string())
        return pc.take(mapped, encoded.indices)

    return udf


def _vectorised_batch(fn: Any) -> Any:
    """Like :func:`_vectorised` for a function of a whole list of distinct values."""

    def udf(arr: Any) -> Any:  # DuckDB evaluates these annotations: keep them plain
        encoded = pc.dictionary_encode(arr)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        mapped = pa.array(fn(encoded.dictionary.to_pylist()), pa.string())
        return pc.take(mapped, encoded.indices)

    return udf


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register the normalisers as DuckDB functions (``ov_url``, ``ov_domain`` …)."""
    varchar = duckdb.sqltype("VARCHAR")
    existing = {
        r[0]
        for r in con.execute(
            "SELECT function_name FROM duckdb_functions() "
            "WHERE function_name LIKE 'ov\\_%' ESCAPE '\\'"
        ).fetchall()
    }
    funcs = {
        "ov_py_url": canonical_url,
        "ov_py_domain": url_domain,
        "ov_domain_name": _domain_name,
        "ov_py_hashtag": normalise_hashtag,
        "ov_py_mention": normalise_mention,
        "ov_py_lang_code": normalise_lang,
    }
    for name, fn in funcs.items():
        if name not in existing:
            con.create_function(  # type: ignore[call-overload]
                name,
                _vectorised(fn),
                [varchar],
                varchar,
                type="arrow",
                null_handling="special",
                side_effects=False,
            )
    if "ov_detect_lang" not in existing:
        con.create_function(  # type: ignore[call-overload]
            "ov_detect_lang",
            _vectorised_batch(detect_languages),
            [varchar],
            varchar,
            type="arrow",
            side_effects=False,
            null_handling="special",
        )
    for name, sql in FAST_PATHS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {name}(x) AS {sql}")
    con.execute(
        "CREATE OR REPLACE TEMP MACRO ov_dedupe(l) AS "
        "CASE WHEN len(l) = 0 THEN l "
        "WHEN len(l) = 1 THEN CASE WHEN l[1] IS NULL THEN [] ELSE l END "
        "ELSE list_filter(l, lambda x, i: x IS NOT NULL AND list_position(l, x) = i) END"
    )


def _domain_name(value: str | None) -> str | None:
    """A bare domain given by an export (not a URL): lower-cased, without ``www.``."""
    if not value:
        return None
    v = value.strip().lower().rstrip(".")
    if "://" in v:
        return url_domain(canonical_url(v))
    v = v.split("/", 1)[0]
    if not v or " " in v:
        return None
    return v[4:] if v.startswith("www.") else v


def _list_sql(col: str, fn: str, extract: str | None, opaque: bool) -> str:
    """SQL for one normalised list column of the merged rows ``m``."""
    source = f"m.{col}" if extract is None else f"coalesce(m.{col}, {extract})"
    if opaque:
        return f"ov_dedupe(list_filter(coalesce({source}, []), lambda x: x <> ''))"
    return f"ov_dedupe(list_transform(coalesce({source}, []), lambda x: {fn}(x)))"


def finish_import(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    *,
    import_id: str,
    source_file: str,
    source_format: str,
    tool_version: str,
    opaque: bool = False,
) -> dict[str, int]:
    """Normalise the staging table ``stage`` into the store; return the counts.

    Returns a dict with ``posts_added``, ``posts_known``, ``accounts_added``, ``warnings``.
    """
    register_functions(con)
    scalars = [
        "platform",
        "native_id",
        "account_native_id",
        "created_at",
        "text",
        "lang",
        "repost_of",
        "reply_to",
        "quote_of",
        "likes",
        "reposts",
        "replies",
        "quotes",
        "views",
    ]
    lists = ["urls", "domains", "hashtags", "mentions", "media_hashes"]
    first = ",\n".join(f"arg_min({c}, source_line) AS {c}" for c in scalars)
    merged_lists = ",\n".join(
        f"CASE WHEN bool_and({c} IS NULL) THEN NULL "
        f"ELSE flatten(list(coalesce({c}, []) ORDER BY source_line)) END AS {c}"
        for c in lists
    )
    # Only posts staged more than once need merging (long-form exports; overlapping pages).
    con.execute(f"""
        CREATE TEMP TABLE ov_dups AS
        SELECT platform, native_id, count(*) AS n FROM {stage}
        GROUP BY platform, native_id HAVING count(*) > 1
    """)
    con.execute(f"""
        CREATE TEMP VIEW ov_merged AS
        SELECT platform || ':' || native_id AS post_id, source_line,
               {", ".join(scalars)}, {", ".join(lists)},
               CASE WHEN repost_of IS NULL THEN [] ELSE [repost_of] END AS repost_all, raw
        FROM {stage} s
        WHERE NOT EXISTS (SELECT 1 FROM ov_dups d
                          WHERE d.platform = s.platform AND d.native_id = s.native_id)
        UNION ALL BY NAME
        SELECT platform || ':' || native_id AS post_id,
               min(source_line) AS source_line,
               {first},
               {merged_lists},
               coalesce(list(DISTINCT repost_of) FILTER (WHERE repost_of IS NOT NULL), [])
                   AS repost_all,
               '[' || string_agg(raw, ',' ORDER BY source_line) || ']' AS raw
        FROM {stage} s SEMI JOIN ov_dups d USING (platform, native_id)
        GROUP BY platform, native_id
    """)
    distinct = con.execute(
        f"SELECT (SELECT count(*) FROM {stage}) - (SELECT coalesce(sum(n - 1), 0) FROM ov_dups)"
    ).fetchone()
    n_posts = int(distinct[0]) if distinct else 0
    if not opaque:
        warnings = con.execute(f"""
            INSERT INTO {stage}_rejects
            SELECT source_line, 'warning',
                   '''' || u || ''' in ' || col || ' is not a URL; dropped (the post is kept)',
                   u
            FROM (
                SELECT source_line, 'urls' AS col, unnest(urls) AS u FROM {stage}
                WHERE urls IS NOT NULL
            ) WHERE ov_url(u) IS NULL
            RETURNING 1
        """).fetchall()
    else:
        warnings = []
    urls = _list_sql("urls", "ov_url", f"regexp_extract_all(m.text, '{_q(URL_RE)}')", opaque)
    hashtags = _list_sql(
        "hashtags", "ov_hashtag", f"regexp_extract_all(m.text, '{_q(HASHTAG_RE)}', 1)", opaque
    )
    mentions = _list_sql(
        "mentions", "ov_mention", f"regexp_extract_all(m.text, '{_q(MENTION_RE)}', 1)", opaque
    )
    domains_given = _list_sql("domains", "ov_domain_name", None, opaque)
    media = "ov_dedupe(list_filter(coalesce(m.media_hashes, []), lambda x: x <> ''))"
    domains = (
        "ov_dedupe(list_concat(list_transform(n.urls, lambda u: ov_domain(u)), n.domains_given))"
        if not opaque
        else "n.domains_given"
    )
    before = con.execute("SELECT count(*) FROM posts").fetchone()
    con.execute(
        f"""
        INSERT INTO posts BY NAME
        WITH n AS (
            SELECT m.*,
                   {urls} AS urls_n, {hashtags} AS hashtags_n, {mentions} AS mentions_n,
                   {domains_given} AS domains_given, {media} AS media_n,
                   ov_lang_code(m.lang) AS lang_p
            FROM ov_merged m
            WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = m.post_id)
        ), d AS (
            SELECT n.*, CASE WHEN n.lang_p IS NULL THEN ov_detect_lang(n.text) END AS lang_d
            FROM n
        )
        SELECT n.post_id, n.platform, n.native_id,
               n.platform || ':' || n.account_native_id AS account_id,
               n.created_at, n.text,
               coalesce(n.lang_p, n.lang_d) AS lang,
               CASE WHEN n.lang_p IS NOT NULL THEN 'platform'
                    WHEN n.lang_d IS NOT NULL THEN 'detected' END AS lang_source,
               n.urls_n AS urls,
               {domains.replace("n.urls", "n.urls_n")} AS domains,
               n.hashtags_n AS hashtags, n.mentions_n AS mentions, n.media_n AS media_hashes,
               n.platform || ':' || n.repost_of AS repost_of,
               CASE WHEN len(n.repost_all) > 1
                    THEN list_transform(list_filter(list_sort(n.repost_all),
                         lambda r: r <> n.repost_of), lambda r: n.platform || ':' || r)
                    ELSE [] END AS repost_extra,
               n.platform || ':' || n.reply_to AS reply_to,
               n.platform || ':' || n.quote_of AS quote_of,
               n.likes, n.reposts, n.replies, n.quotes, n.views,
               ? AS source_file, n.source_line, ? AS source_format, ? AS tool_version,
               ? AS import_id, n.raw
        FROM d AS n
    """,
        [source_file, source_format, tool_version, import_id],
    )
    after = con.execute("SELECT count(*) FROM posts").fetchone()
    accounts_added = _merge_accounts(con, stage, import_id)
    con.execute("DROP VIEW ov_merged")
    con.execute("DROP TABLE ov_dups")
    added = int(after[0]) - int(before[0]) if after and before else 0
    return {
        "posts_added": added,
        "posts_known": n_posts - added,
        "accounts_added": accounts_added,
        "warnings": len(warnings),
    }


def _merge_accounts(con: duckdb.DuckDBPyConnection, stage: str, import_id: str) -> int:
    latest = ", ".join(
        f"arg_max({c}, created_at) FILTER (WHERE {c} IS NOT NULL) AS {c}"
        for c in (
            "account_handle",
            "account_name",
            "account_created_at",
            "account_followers",
            "account_verified",
            "account_description",
        )
    )
    con.execute(f"""
        CREATE TEMP TABLE ov_accounts AS
        SELECT platform || ':' || account_native_id AS account_id,
               any_value(platform) AS platform, any_value(account_native_id) AS native_id,
               {latest}, min(created_at) AS first_seen, max(created_at) AS last_seen
        FROM {stage} WHERE account_native_id IS NOT NULL
        GROUP BY platform || ':' || account_native_id
    """)
    con.execute("""
        UPDATE accounts SET
            handle = coalesce(accounts.handle, a.account_handle),
            display_name = coalesce(accounts.display_name, a.account_name),
            created_at = coalesce(accounts.created_at, a.account_created_at),
            followers = coalesce(accounts.followers, a.account_followers),
            verified = coalesce(accounts.verified, a.account_verified),
            description = coalesce(accounts.description, a.account_description),
            first_seen = least(accounts.first_seen, a.first_seen),
            last_seen = greatest(accounts.last_seen, a.last_seen)
        FROM ov_accounts a WHERE accounts.account_id = a.account_id
    """)
    before = con.execute("SELECT count(*) FROM accounts").fetchone()
    con.execute(
        """
        INSERT INTO accounts
        SELECT a.account_id, a.platform, a.native_id, a.account_handle, a.account_name,
               a.account_created_at, a.account_followers, a.account_verified,
               a.account_description, a.first_seen, a.last_seen, ?
        FROM ov_accounts a
        WHERE NOT EXISTS (SELECT 1 FROM accounts x WHERE x.account_id = a.account_id)
        ORDER BY a.account_id
    """,
        [import_id],
    )
    after = con.execute("SELECT count(*) FROM accounts").fetchone()
    con.execute("DROP TABLE ov_accounts")
    return int(after[0]) - int(before[0]) if after and before else 0


def _q(s: str) -> str:
    return s.replace("'", "''")
