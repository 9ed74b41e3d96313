"""Account behaviour signals for the members of a run's networks.

These are **hints for an analyst, never a verdict**. Each signal has innocent explanations
(a newsroom's scheduler posts on a clock; a campaign's volunteers sign up on the same day;
people paste the same petition text; many real people keep the handle a platform suggested),
and none of them makes an account a bot or a member of an operation. They are shown beside a
network so that an analyst can ask the next question, as Pacheco et al. (2021, "Uncovering
Coordinated Networks on Social Media") recommend: coordination is established from the
shared behaviour, and account features only help to describe it.

One row of ``account_signals`` per member of ``network_members`` for the run:

- ``posts``: the account's posts in the store (reposts included).
- ``interval_entropy``: Shannon entropy, in bits, of the gaps between the account's
  consecutive posts, each gap put in a bin on a log2 scale of seconds (bin
  ``1 + ⌊log2 gap⌋`` for gaps of a second or more, bin 0 below a second).
  ``interval_cv``: the gaps' coefficient of variation (population standard deviation ÷
  mean). A scheduler posting every ten minutes has CV ≈ 0 and entropy ≈ 0; people post in
  bursts and pauses (high CV, gaps spread over many bins). Regular, clock-like timing is one
  of the features of automated accounts in Ferrara et al. (2016, "The rise of social bots",
  CACM 59(7)); DeBot (Chavoshi et al. 2016, "DeBot: Twitter Bot Detection via Warped
  Correlation", ICDM) goes further and correlates the activity *time series* of accounts,
  which the co-sharing edges here approximate. Both need at least :data:`MIN_POSTS` posts
  (``MIN_POSTS − 1`` gaps); below that they are NULL. The CV is NULL when the mean gap is 0.
- ``hour_entropy``: entropy, in bits, of the account's posts over the 24 UTC hours (0: all
  in one hour; log2 24 ≈ 4.58: spread evenly around the clock, which few people manage);
  NULL below :data:`MIN_POSTS` posts. ``active_hours``: the distinct UTC hours with a post.
- ``account_created_at``: from ``accounts.created_at`` (NULL when the export did not say).
  ``creation_cohort``: how many members of the same network (the account itself included,
  so 1 means "no other") were created within 24 hours of it, before or after; bursts of
  account creation are a classic sign of sock-puppet farms (Ferrara et al. 2016). NULL when
  the creation time is unknown.
- ``duplicate_text_share``: of the account's original (non-repost) posts whose normalised
  text is not empty, the share whose exact normalised text was also posted (not reposted)
  by another account anywhere in the store. Normalised as the QUT toolkit's co-tweet does,
  plus URLs: lower-cased, URLs (``http(s)://…``, ``www.…``) and mentions (``@…``) removed,
  white space collapsed. NULL when the account has no such post.
- ``handle_pattern``: a short label when the handle looks generated, else NULL; see
  :data:`HANDLE_RULES`. The rules are deliberately simple and look at the part of the
  handle before any ``@instance``.
"""

from __future__ import annotations

import duckdb

__all__ = ["HANDLE_RULES", "MIN_POSTS", "account_signals", "normalised_text_sql"]

#: Posts needed for the interval and hour-of-day distributions (two gaps at least).
MIN_POSTS = 3

#: The handle rules, first match wins: (label, condition in words). ``h`` is the handle
#: without a leading ``@`` and without an ``@instance`` suffix.
HANDLE_RULES: tuple[tuple[str, str], ...] = (
    ("digits only", "h is all digits"),
    (
        "name + N digits",
        "letters (and underscores) then a run of N ≥ 5 digits at the end, as the handles "
        "platforms suggest at sign-up (e.g. 'name + 8 digits')",
    ),
    (
        "random letters and digits",
        "8 or more letters and digits only, switching between letters and digits at least "
        "5 times (e.g. 'k3x9q2w7')",
    ),
    (
        "random letters",
        "8 or more letters only, with vowels (a e i o u y) under 15 % of them (e.g. 'xkqjrtzpw')",
    ),
)


def normalised_text_sql(col: str = "text") -> str:
    """SQL for the normalised text used by ``duplicate_text_share`` (see the module doc).

    It runs over every original post of the store, so it is written for speed, with the
    same result as the three steps (a property test checks that): texts that hold none of
    ``@``, ``http``, ``www.``, two spaces or a white-space character other than the space
    are only lower-cased and trimmed (half the posts of a typical collection); in the
    others one regular expression replaces each run of white space that holds a URL or a
    mention, is longer than one character, or is a tab or line break, by one space.
    """
    low = f"lower(coalesce({col}, ''))"
    pattern = r"\s*(?:(?:https?://|www\.|@)\S*\s*)+|\s{2,}|[\t\n\f\r]"
    regex = f"trim(regexp_replace({low}, '{pattern}', ' ', 'g'))"
    needs = " OR ".join(
        [f"contains({low}, '{s}')" for s in ("@", "http", "www.", "  ")]
        + [f"contains({low}, chr({c}))" for c in (9, 10, 12, 13)]
    )
    return f"(CASE WHEN {needs} THEN {regex} ELSE trim({low}) END)"


def _handle_pattern_sql(col: str) -> str:
    h = f"split_part(ltrim(coalesce({col}, ''), '@'), '@', 1)"
    letters = f"length(regexp_replace({h}, '[^A-Za-z]', '', 'g'))"
    vowels = f"length(regexp_replace({h}, '[^AEIOUYaeiouy]', '', 'g'))"
    runs = f"length(regexp_extract_all({h}, '[A-Za-z]+|[0-9]+'))"
    digits_at_end = f"length(regexp_extract({h}, '[0-9]+$'))"
    return f"""CASE
        WHEN {h} = '' THEN NULL
        WHEN regexp_full_match({h}, '[0-9]+') THEN 'digits only'
        WHEN regexp_full_match({h}, '[A-Za-z][A-Za-z_]*[0-9]{{5,}}')
            THEN 'name + ' || {digits_at_end} || ' digits'
        WHEN regexp_full_match({h}, '[A-Za-z0-9]{{8,}}') AND {runs} - 1 >= 5
            THEN 'random letters and digits'
        WHEN regexp_full_match({h}, '[A-Za-z]{{8,}}') AND {vowels} < 0.15 * {letters}
            THEN 'random letters'
        ELSE NULL END"""


def account_signals(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Compute ``account_signals`` for every member of run ``run_id``'s networks.

    Replaces the run's earlier rows, if any, and returns the number of rows written (one per
    distinct member). Everything is computed in DuckDB over ``posts``, ``accounts`` and
    ``network_members``; the duplicate-text test normalises the original posts of the whole
    store once.
    """
    con.execute("DELETE FROM account_signals WHERE run_id = ?", [run_id])
    con.execute(
        f"""
        INSERT INTO account_signals
        WITH members AS (
            SELECT DISTINCT account_id, network_id FROM network_members WHERE run_id = $run
        ), m AS (
            SELECT DISTINCT account_id FROM members
        ), p AS (
            SELECT p.account_id, p.created_at, p.repost_of, p.text,
                   epoch_us(p.created_at) / 1e6 AS t
            FROM posts p SEMI JOIN m USING (account_id)
        ), gaps AS (
            SELECT account_id,
                   t - lag(t) OVER (PARTITION BY account_id ORDER BY t) AS gap
            FROM p
        ), gap_bins AS (
            SELECT account_id,
                   CASE WHEN gap < 1 THEN 0 ELSE 1 + floor(log2(gap))::INTEGER END AS bin,
                   count(*) AS n
            FROM gaps WHERE gap IS NOT NULL GROUP BY ALL
        ), interval_entropy AS (
            SELECT account_id,
                   sum((n / total) * log2(total / n)) AS entropy
            FROM (SELECT *, sum(n) OVER (PARTITION BY account_id) AS total FROM gap_bins)
            GROUP BY account_id
        ), interval_cv AS (
            SELECT account_id,
                   CASE WHEN avg(gap) > 0 THEN stddev_pop(gap) / avg(gap) END AS cv
            FROM gaps WHERE gap IS NOT NULL GROUP BY account_id
        ), hours AS (
            SELECT account_id, hour(timezone('UTC', created_at)) AS h, count(*) AS n
            FROM p GROUP BY ALL
        ), hour_stats AS (
            SELECT account_id, count(*) AS active_hours,
                   sum((n / total) * log2(total / n)) AS entropy
            FROM (SELECT *, sum(n) OVER (PARTITION BY account_id) AS total FROM hours)
            GROUP BY account_id
        ), counts AS (
            SELECT account_id, count(*) AS posts FROM p GROUP BY account_id
        ), own_texts AS (
            SELECT account_id, hash({normalised_text_sql("text")}) AS h
            FROM p
            WHERE repost_of IS NULL AND {normalised_text_sql("text")} <> ''
        ), text_accounts AS (
            -- for each normalised text the members posted: how many accounts posted it
            SELECT h, count(DISTINCT account_id) AS accounts
            FROM (
                SELECT account_id, hash({normalised_text_sql("text")}) AS h
                FROM posts WHERE repost_of IS NULL AND text IS NOT NULL
            ) SEMI JOIN (SELECT DISTINCT h FROM own_texts) USING (h)
            GROUP BY h
        ), dup AS (
            SELECT o.account_id, avg(CASE WHEN ta.accounts > 1 THEN 1.0 ELSE 0.0 END) AS share
            FROM own_texts o JOIN text_accounts ta USING (h)
            GROUP BY o.account_id
        ), acc AS (
            SELECT account_id, max(created_at) AS created_at, max(handle) AS handle
            FROM accounts SEMI JOIN m USING (account_id)
            GROUP BY account_id
        ), cohort AS (
            SELECT a.account_id, max(cnt) AS cohort
            FROM (
                SELECT x.account_id, x.network_id, count(DISTINCT y.account_id) AS cnt
                FROM (members JOIN acc USING (account_id)) x
                JOIN (members JOIN acc USING (account_id)) y
                  ON x.network_id = y.network_id
                 AND y.created_at BETWEEN x.created_at - INTERVAL 24 HOUR
                                      AND x.created_at + INTERVAL 24 HOUR
                WHERE x.created_at IS NOT NULL
                GROUP BY x.account_id, x.network_id
            ) a
            GROUP BY a.account_id
        )
        SELECT $run, m.account_id,
               coalesce(c.posts, 0),
               CASE WHEN c.posts >= {MIN_POSTS} THEN ie.entropy END,
               CASE WHEN c.posts >= {MIN_POSTS} THEN icv.cv END,
               CASE WHEN c.posts >= {MIN_POSTS} THEN hs.entropy END,
               hs.active_hours,
               acc.created_at,
               co.cohort,
               dup.share,
               {_handle_pattern_sql("acc.handle")}
        FROM m
        LEFT JOIN counts c USING (account_id)
        LEFT JOIN interval_entropy ie USING (account_id)
        LEFT JOIN interval_cv icv USING (account_id)
        LEFT JOIN hour_stats hs USING (account_id)
        LEFT JOIN acc USING (account_id)
        LEFT JOIN cohort co USING (account_id)
        LEFT JOIN dup USING (account_id)
        ORDER BY m.account_id
        """,
        {"run": run_id},
    )
    row = con.execute("SELECT count(*) FROM account_signals WHERE run_id = ?", [run_id]).fetchone()
    return int(row[0]) if row else 0
