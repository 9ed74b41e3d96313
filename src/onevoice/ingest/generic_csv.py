"""``csv``: OneVoice's own generic CSV, for anything another tool can write as a table.

A header row names the columns; they are read by name, in any order. Required:
``post_id, account_id, created_at`` (ISO 8601, a time without a zone being UTC, or epoch
seconds). Optional: ``platform`` (default ``other``), ``account_handle``, ``text``,
``lang``, ``urls``, ``hashtags``, ``mentions`` (lists separated by white space),
``repost_of``, ``reply_to``, ``quote_of`` (native post ids on the same platform), and the
engagement counts ``likes, reposts, replies, quotes, views``. Other columns are kept in
``raw`` only. A missing list column means "not given": URLs, hashtags and mentions are then
found in the text; an empty cell means "none".

Tab-separated files with the same header are read too.
"""

from __future__ import annotations

from onevoice.ingest.csvrows import check_columns, csv_batches, read_header
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "read", "sniff"]

NAME = "csv"
DESCRIPTION = "generic CSV with a header: post_id, account_id, created_at, optional columns"
REQUIRED = ("post_id", "account_id", "created_at")
LISTS = ("urls", "hashtags", "mentions")
COUNTS = ("likes", "reposts", "replies", "quotes", "views")
DEFAULT_PLATFORM = "other"

# SQL pieces over the registered relation `batch` (all columns text).
EPOCH = r"^-?\d{1,12}(\.\d+)?$"


def _ts(col: str) -> str:
    c = f'trim("{col}")'
    return (
        f"CASE WHEN regexp_full_match({c}, '{EPOCH[1:-1]}') THEN to_timestamp({c}::DOUBLE) "
        f"ELSE try_cast({c} AS TIMESTAMPTZ) END"
    )


def sniff(sample: Sample) -> bool:
    header = sample.csv_header()
    return header is not None and all(c in header for c in REQUIRED)


def _opt(names: list[str], col: str) -> str:
    return f"nullif(trim(\"{col}\"), '')" if col in names else "NULL"


def read(source: Source, stage: Stage) -> None:
    names, delim = read_header(source)
    check_columns(source, names, REQUIRED, NAME)
    raw = "to_json(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in names) + "))"
    lists = {
        col: (
            f"list_filter(regexp_split_to_array(trim(\"{col}\"), '\\s+'), lambda x: x <> '')"
            if col in names
            else "NULL"
        )
        for col in LISTS
    }
    counts = {
        col: f"try_cast(nullif(trim(\"{col}\"), '') AS BIGINT)" if col in names else "NULL"
        for col in COUNTS
    }
    platform = (
        f"coalesce(lower(nullif(trim(platform), '')), '{DEFAULT_PLATFORM}')"
        if "platform" in names
        else f"'{DEFAULT_PLATFORM}'"
    )
    valid = (
        "nullif(trim(post_id), '') IS NOT NULL AND nullif(trim(account_id), '') IS NOT NULL "
        f"AND {_ts('created_at')} IS NOT NULL"
    )
    select_sql = f"""
        SELECT _line AS source_line, {platform} AS platform,
               trim(post_id) AS native_id, trim(account_id) AS account_native_id,
               {_opt(names, "account_handle")} AS account_handle,
               {_ts("created_at")} AS created_at,
               {"text" if "text" in names else "NULL"} AS text,
               {_opt(names, "lang")} AS lang,
               {lists["urls"]} AS urls, {lists["hashtags"]} AS hashtags,
               {lists["mentions"]} AS mentions,
               {_opt(names, "repost_of")} AS repost_of, {_opt(names, "reply_to")} AS reply_to,
               {_opt(names, "quote_of")} AS quote_of,
               {", ".join(f"{v} AS {k}" for k, v in counts.items())},
               {raw} AS raw
        FROM batch WHERE {valid}
    """
    bad_ts = (
        "'bad timestamp ''' || created_at || ''' in column created_at: "
        "expected ISO 8601 or epoch seconds'"
    )
    reject_sql = f"""
        SELECT _line AS line,
               CASE WHEN nullif(trim(post_id), '') IS NULL THEN 'empty post_id'
                    WHEN nullif(trim(account_id), '') IS NULL THEN 'empty account_id'
                    WHEN nullif(trim(created_at), '') IS NULL THEN 'empty created_at'
                    ELSE {bad_ts} END AS reason,
               left({raw}, 200) AS excerpt
        FROM batch WHERE NOT ({valid})
    """
    for batch in csv_batches(source, stage, names, delim, batch_size=stage.arrow_batch_size):
        stage.add_arrow(batch, select_sql, reject_sql)
