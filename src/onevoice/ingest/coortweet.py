"""``coortweet``: the input tables of the R package CooRTweet, as CSV or Parquet.

CooRTweet (Righetti & Balluff, https://github.com/nicolarighetti/CooRTweet, documentation
at https://cran.r-project.org/package=CooRTweet) detects coordinated sharing from a long
table of "who shared what, when". Its example data sets (``russian_coord_tweets``,
``german_elections``) are anonymised: every id is a hash or an integer, there are no texts.
Two forms are read, told apart by their header:

1. **Share form** (the input of ``prep_data()``/``detect_groups()``): ``object_id,
   account_id, content_id, timestamp_share``. One row is one post ``content_id`` by
   ``account_id`` sharing the object ``object_id`` (for Twitter: the retweeted tweet) at
   ``timestamp_share`` (POSIX seconds, possibly a float). Mapped to ``native_id =
   content_id``, ``account_native_id = account_id``, ``repost_of = object_id``; the platform
   is ``twitter`` unless a ``platform`` column says otherwise. A post that names two objects
   (two rows, one ``content_id``) is merged by the core: the first object (by source line)
   is ``repost_of``, the others go to ``repost_extra``.
2. **Multi-modal form**: ``account_id, post_id, url_id, hashtag_id, domain_id, phash_id,
   timestamp`` (any non-empty subset of the four object columns). One row per (post,
   shared object), empty where the post has none of that kind. Each row maps to
   ``urls=[url_id]``, ``hashtags=[hashtag_id]``, ``domains=[domain_id]``,
   ``media_hashes=[phash_id]`` (``[]`` when empty: given, and none); the core merges the
   rows of one post, concatenating the lists in source order without duplicates. The
   platform comes from the account prefix: ``fb_`` → facebook, ``tw_`` → twitter, else
   ``other`` (or from a ``platform`` column, where there is one).

The ids are kept exactly as given (``stage.opaque_entities``): they are not URLs or tags and
must not be canonicalised. Integers become strings without a fractional part (``23678``, also
when a CSV writer printed ``23678.0``). The raw record is the row as a JSON object.

A row with an empty id, or a timestamp that is not epoch seconds, is rejected with the
reason, e.g. ``empty post_id`` or ``bad timestamp 'x' in column timestamp: expected epoch
seconds``.

Parquet files are recognised by their ``PAR1`` magic and read in batches of
``stage.batch_size`` rows; ``source_line`` is then the 1-based row index. CSV files are read
with :mod:`onevoice.ingest.csvrows` (``source_line`` is the physical line). Both go through
the same vectorised SQL: no Python per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from onevoice.errors import MissingColumns
from onevoice.ingest.csvrows import check_columns, csv_batches, read_header
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "read", "sniff"]

NAME = "coortweet"
DESCRIPTION = (
    "CooRTweet input, CSV or Parquet: object_id, account_id, content_id, timestamp_share; "
    "or account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp"
)
PARQUET_MAGIC = b"PAR1"
SHARE_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
MULTI_REQUIRED = ("account_id", "post_id", "timestamp")
#: multi-modal object column -> staging list column
MULTI_OBJECTS = {
    "url_id": "urls",
    "hashtag_id": "hashtags",
    "domain_id": "domains",
    "phash_id": "media_hashes",
}
EPOCH_RE = r"-?\d{1,12}(\.\d+)?"


def _form(names: Sequence[str]) -> str | None:
    """``"share"``, ``"multi"`` or ``None`` for a header."""
    if all(c in names for c in SHARE_COLUMNS):
        return "share"
    if all(c in names for c in MULTI_REQUIRED) and any(c in names for c in MULTI_OBJECTS):
        return "multi"
    return None


def sniff(sample: Sample) -> bool:
    if sample.head.startswith(PARQUET_MAGIC):
        return True  # no other format reads Parquet; read() checks the columns
    header = sample.csv_header()
    return header is not None and _form(header) is not None


def _qi(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _text_expr(name: str, dtype: pa.DataType | None) -> str:
    """SQL turning a column of ``batch`` into text (``dtype`` None: already text)."""
    col = _qi(name)
    if dtype is None or pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return col
    if pa.types.is_floating(dtype):
        return f"CASE WHEN isnan({col}) THEN NULL ELSE CAST({col} AS VARCHAR) END"
    if pa.types.is_timestamp(dtype):
        return f"CAST(epoch({col}) AS VARCHAR)"
    return f"CAST({col} AS VARCHAR)"


def _statements(names: Sequence[str], types: dict[str, pa.DataType] | None) -> tuple[str, str]:
    """The ``select_sql`` and ``reject_sql`` for a batch with columns ``names``.

    Each derived value is computed once, in nested projections; the rows are filtered in a
    subquery and only then turned into staging columns and raw JSON (DuckDB would otherwise
    inline and repeat the expressions)."""

    def cell(col: str) -> str:  # text, trimmed, empty → NULL
        return f"nullif(trim({_text_expr(col, types.get(col) if types else None)}), '')"

    def ident(col: str) -> str:  # an id: 123.0 → 123
        return rf"regexp_replace({cell(col)}, '^(-?\d+)\.0+$', '\1')"

    if _form(names) == "share":
        post, ts_col, default = "content_id", "timestamp_share", "'twitter'"
        objects = {"object_id": "repost_of"}
        checks = [
            ("__post", "empty content_id"),
            ("__account", "empty account_id"),
            ("__object_id", "empty object_id (the shared object)"),
        ]
    else:
        post, ts_col = "post_id", "timestamp"
        default = (
            "CASE WHEN starts_with(lower(__account), 'fb_') THEN 'facebook' "
            "WHEN starts_with(lower(__account), 'tw_') THEN 'twitter' ELSE 'other' END"
        )
        objects = {c: t for c, t in MULTI_OBJECTS.items() if c in names}
        checks = [("__post", "empty post_id"), ("__account", "empty account_id")]
    ids = {"__post": ident(post), "__account": ident("account_id")}
    ids |= {f"__{c}": ident(c) for c in objects}
    given = f"lower({cell('platform')})" if "platform" in names else "NULL"
    layer1 = ", ".join(f"{e} AS {n}" for n, e in ids.items())
    rows = f"(SELECT *, {layer1}, {cell(ts_col)} AS __ts FROM batch) AS t1"
    rows = (
        f"(SELECT *, coalesce({given}, {default}) AS __platform, CASE WHEN "
        f"regexp_full_match(__ts, '{EPOCH_RE}') THEN to_timestamp(__ts::DOUBLE) END AS __created "
        f"FROM {rows}) AS t2"
    )
    bad = " OR ".join([f"{c} IS NULL" for c, _ in checks] + ["__created IS NULL"])
    extra = ", ".join(
        f"CASE WHEN __{c} IS NULL THEN [] ELSE [__{c}] END AS {t}"
        if c in objects
        else f"NULL AS {t}"
        for c, t in MULTI_OBJECTS.items()
    )
    if "object_id" in objects:
        extra = "__object_id AS repost_of"
    raw = "to_json(struct_pack(" + ", ".join(f"{_qi(n)} := {_qi(n)}" for n in names) + "))"
    select_sql = f"""
        SELECT _line AS source_line, __platform AS platform, __post AS native_id,
               __account AS account_native_id, __created AS created_at, {extra}, {raw} AS raw
        FROM (SELECT * FROM {rows} WHERE NOT ({bad})) AS good
    """
    whens = " ".join(f"WHEN {c} IS NULL THEN '{reason}'" for c, reason in checks)
    bad_ts = f"'bad timestamp ''' || __ts || ''' in column {ts_col}: expected epoch seconds'"
    reason = f"CASE {whens} WHEN __ts IS NULL THEN 'empty {ts_col}' ELSE {bad_ts} END"
    reject_sql = f"""
        SELECT _line AS line, {reason} AS reason, left({raw}, 200) AS excerpt
        FROM (SELECT * FROM {rows} WHERE {bad}) AS bad
    """
    return select_sql, reject_sql


def _check(source: Source, names: list[str]) -> None:
    """Raise :class:`MissingColumns` unless ``names`` is one of the two forms."""
    if _form(names) is not None:
        return
    if "post_id" in names or "timestamp" in names:
        check_columns(source, names, MULTI_REQUIRED, NAME)
        raise MissingColumns(
            f"{source.name}: the multi-modal {NAME} form needs at least one of the columns "
            f"{', '.join(MULTI_OBJECTS)}; found: {', '.join(names)}",
            hint=f"the {NAME} format needs the columns {', '.join(SHARE_COLUMNS)}, or "
            f"{', '.join(MULTI_REQUIRED)} and shared-object columns",
        )
    check_columns(source, names, SHARE_COLUMNS, NAME)


def _parquet_batches(
    source: Source, stage: Stage
) -> Iterator[tuple[pa.Table, list[str], dict[str, pa.DataType]]]:
    with source.open() as f:
        pf = pq.ParquetFile(f)
        schema = pf.schema_arrow
        names = list(schema.names)
        _check(source, names)
        types = {field.name: field.type for field in schema}
        start = 1
        for rb in pf.iter_batches(batch_size=stage.arrow_batch_size):
            n = rb.num_rows
            table = pa.Table.from_batches([rb]).append_column(
                "_line", pa.array(range(start, start + n), pa.int64())
            )
            start += n
            yield table, names, types


def read(source: Source, stage: Stage) -> None:
    stage.opaque_entities = True
    with source.open() as f:
        magic = f.read(len(PARQUET_MAGIC))
    if magic == PARQUET_MAGIC:
        statements: tuple[str, str] | None = None
        for table, names, types in _parquet_batches(source, stage):
            if statements is None:
                statements = _statements(names, types)
            stage.add_arrow(table, *statements)
        return
    names, delim = read_header(source)
    _check(source, names)
    select_sql, reject_sql = _statements(names, None)
    for batch in csv_batches(source, stage, names, delim, batch_size=stage.arrow_batch_size):
        stage.add_arrow(batch, select_sql, reject_sql)
