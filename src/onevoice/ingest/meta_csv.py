"""``meta-csv``: CSV exports of Facebook and Instagram posts from CrowdTangle and the Meta
Content Library.

Two header families are recognised by their distinctive column names.

**CrowdTangle historical data** (the dashboard's *Historical Data* CSV, 2016–2024; columns
listed in the CrowdTangle codebook, https://help.crowdtangle.com/en/articles/3213537):
``Page Name, User Name, Facebook Id, Page Category, Page Admin Top Country, Page
Description, Page Created, Likes at Posting, Followers at Posting, Post Created, Post
Created Date, Post Created Time, Type, Total Interactions, Likes, Comments, Shares, Love,
… Post Views, Total Views, … URL, Message, Link, Final Link, Image Text, Link Text,
Description, Sponsor …, Overperforming Score (weighted — …)``. Group exports say ``Group
Name``; Instagram exports have ``Account, User Name, Followers at Posting, Post Created,
Type, Likes, Comments, Views, URL, Link, Photo, Title, Description`` (the caption is
``Description``); older exports say ``Created`` for ``Post Created``.

- ``platform``: ``instagram`` when the post's ``URL`` is on instagram.com, else ``facebook``.
- ``native_id``: Facebook: ``<Facebook Id>_<post id>``, the ``platformId`` form of the
  CrowdTangle API and the Graph API, the post id being the last path segment of ``URL``
  (``…/7533944086/posts/10160048866554087``) or its ``story_fbid``/``fbid``/``v``
  parameter. Instagram: the shortcode of ``URL`` (``/p/<shortcode>/``).
- ``created_at`` from ``Post Created``, a local time with the dashboard's zone
  abbreviation (``2021-07-06 16:45:20 EDT``), converted to UTC with the table :data:`ZONES`
  (ambiguous abbreviations take the meaning CrowdTangle dashboards used most: ``CST`` US
  Central, ``IST`` India, ``AST`` Atlantic) or a numeric offset (``+03``, ``+05:30``).
- account: ``Facebook Id`` (Instagram: ``User Name``), handle ``User Name``, name ``Page
  Name``/``Group Name``/``Account``, followers ``Followers at Posting``, created ``Page
  Created`` (no zone: UTC, as in the CrowdTangle API), description ``Page Description``.
- ``text``: ``Message`` (Instagram: ``Description``). ``Description``, ``Link Text`` and
  ``Image Text`` of a Facebook post describe the linked page or image, not the author's
  words: they stay in ``raw``.
- ``urls``: ``Link`` and ``Final Link`` (the resolved destination), without the post's own
  URL; given, so URLs in the text are not added (``[]`` when both are empty).
- counts: ``Likes`` → likes, ``Shares`` → reposts, ``Comments`` → replies, ``Post Views``
  (Instagram: ``Views``) → views; thousands separators are removed, empty is None.

**Meta Content Library** (web-UI download or API results written as CSV with dotted
column names; data dictionary:
https://developers.facebook.com/docs/content-library-and-api/appendix/data-dictionary):
``id, creation_time, modified_time, text, lang, post_owner.id, post_owner.name,
post_owner.username, post_owner.type, surface.*, statistics.like_count, … ,
statistics.reaction_count, statistics.comment_count, statistics.share_count,
statistics.views, link_attachment.link, shared_post_id, multimedia, is_branded_content,
mcl_url``. ``native_id = id`` (the Content Library id), account ``post_owner.id``,
``repost_of = shared_post_id``, ``urls = [link_attachment.link]`` (or ``link_url``),
likes ``statistics.like_count`` (else ``statistics.reaction_count``), reposts
``statistics.share_count``, replies ``statistics.comment_count``, views
``statistics.views``. Platform: ``/instagram/`` or ``/facebook/`` in ``mcl_url``; else
``instagram`` when the header has no Facebook-only column (``surface.*``,
``statistics.reaction_count``, ``statistics.share_count``), ``facebook`` otherwise.

Every other column is kept in ``raw`` (the row as a JSON object). The mapping is one
vectorised SQL statement per batch of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from onevoice.errors import MissingColumns
from onevoice.ingest.csvrows import check_columns, csv_batches, read_header
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "ZONES", "read", "sniff"]

NAME = "meta-csv"
DESCRIPTION = "CrowdTangle historical-data or Meta Content Library CSV (Facebook, Instagram)"
CT_ACCOUNT_COLUMNS = ("Facebook Id", "Page Name", "Group Name", "Account", "User Name")
MCL_FB_ONLY = ("statistics.reaction_count", "statistics.share_count")
#: Zone abbreviations in CrowdTangle's ``Post Created`` → UTC offset.
# fmt: off
ZONES = {
    "UTC": "+00:00", "GMT": "+00:00", "UT": "+00:00", "Z": "+00:00", "WET": "+00:00",
    "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00", "MET": "+01:00", "WAT": "+01:00",
    "CEST": "+02:00", "MEST": "+02:00", "EET": "+02:00", "SAST": "+02:00", "CAT": "+02:00",
    "IST": "+05:30", "EEST": "+03:00", "MSK": "+03:00", "EAT": "+03:00", "IDT": "+03:00",
    "PKT": "+05:00", "NPT": "+05:45", "WIB": "+07:00", "ICT": "+07:00", "HKT": "+08:00",
    "AWST": "+08:00", "WITA": "+08:00", "PHT": "+08:00", "SGT": "+08:00", "JST": "+09:00",
    "KST": "+09:00", "WIT": "+09:00", "ACST": "+09:30", "ACDT": "+10:30", "AEST": "+10:00",
    "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00", "HST": "-10:00", "AKST": "-09:00",
    "AKDT": "-08:00", "PST": "-08:00", "PDT": "-07:00", "MST": "-07:00", "MDT": "-06:00",
    "CST": "-06:00", "CDT": "-05:00", "EST": "-05:00", "EDT": "-04:00", "AST": "-04:00",
    "ADT": "-03:00", "NST": "-03:30", "NDT": "-02:30", "BRT": "-03:00", "ART": "-03:00",
}
# fmt: on
_CT_TIME = r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(.*)$"
_OFFSET = r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?"
_EPOCH = r"-?\d{1,12}(\.\d+)?"


def _family(names: Sequence[str]) -> str | None:
    """``"crowdtangle"``, ``"mcl"`` or ``None`` for a header."""
    s = set(names)
    if {"id", "creation_time"} <= s and any(
        n.startswith(("post_owner.", "statistics.")) for n in names
    ):
        return "mcl"
    if "URL" in s and ("Post Created" in s or "Created" in s) and s & set(CT_ACCOUNT_COLUMNS):
        return "crowdtangle"
    return None


def sniff(sample: Sample) -> bool:
    header = sample.csv_header()
    return header is not None and _family(header) is not None


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _val(names: Sequence[str], col: str) -> str:
    """A text cell, trimmed, empty → NULL; ``NULL`` when the column does not exist."""
    return f"nullif(trim({_qi(col)}), '')" if col in names else "NULL"


def _id(names: Sequence[str], col: str) -> str:
    return rf"regexp_replace({_val(names, col)}, '^(-?\d+)\.0+$', '\1')"


def _count(names: Sequence[str], col: str) -> str:
    v = _val(names, col)
    return rf"try_cast(regexp_replace(replace({v}, ',', ''), '\.0+$', '') AS BIGINT)"


def _first(names: Sequence[str], *cols: str) -> str:
    """The first of ``cols`` the header has (an expression), else ``NULL``."""
    return next((_val(names, c) for c in cols if c in names), "NULL")


def _ct_time(names: Sequence[str], col: str) -> str:
    """SQL struct ``{d, t, z}`` of a CrowdTangle time cell (all ``''`` when it is no time)."""
    if col not in names:
        return "NULL"
    return f"regexp_extract(trim({_qi(col)}), '{_CT_TIME}', ['d', 't', 'z'])"


def _ct_offset(parts: str) -> str:
    """SQL for the UTC offset (``-04:00``) of the zone in the parts ``{d, t, z}``: an
    abbreviation of :data:`ZONES`, a numeric offset, or none (UTC); NULL when unknown."""
    z = f"upper(trim({parts}.z))"
    zones = ", ".join(f"'{k}': '{v}'" for k, v in ZONES.items())
    num = f"regexp_extract({z}, '^{_OFFSET}$', ['s', 'h', 'm'])"
    return (
        f"coalesce(MAP {{{zones}}}[{z}], CASE WHEN {z} = '' THEN '+00:00' END, "
        f"CASE WHEN {num}.s <> '' THEN {num}.s || lpad({num}.h, 2, '0') || ':' || "
        f"coalesce(nullif({num}.m, ''), '00') END)"
    )


def _ct_ts(parts: str, offset: str) -> str:
    """SQL for the UTC time of the parts ``{d, t, z}`` (NULL when not a time)."""
    return f"try_cast({parts}.d || ' ' || {parts}.t || {offset} AS TIMESTAMPTZ)"


def _crowdtangle(names: Sequence[str]) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
    """Derived columns and the ordered (condition, reason) checks of a CrowdTangle row."""
    tcol = "Post Created" if "Post Created" in names else "Created"
    last = "nullif(split_part(rtrim(_path, '/'), '/', -1), '')"
    query_id = (
        "CASE WHEN contains(_url, '?') THEN "
        "nullif(regexp_extract(_url, '[?&](?:story_fbid|fbid|v)=([^&#]+)', 1), '') END"
    )
    shortcode = "nullif(regexp_extract(_path, '^/(?:[^/]+/)?(?:p|reels?|tv)/([^/]+)', 1), '')"
    derived = {
        "_url": _val(names, "URL"),
        "_path": "regexp_extract(_url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)', 1)",
        "_ig": r"coalesce(regexp_matches(lower(_url), "
        r"'^https?://([a-z0-9-]+\.)*instagram\.com(/|$)'), false)",
        "_key": f"CASE WHEN _ig THEN coalesce({shortcode}, {last}) "
        f"ELSE coalesce({query_id}, {last}) END",
        "_account": f"CASE WHEN _ig THEN {_val(names, 'User Name')} "
        f"ELSE {_id(names, 'Facebook Id')} END",
        "_tp": _ct_time(names, tcol),
        "_offset": _ct_offset("_tp"),
        "_created": _ct_ts("_tp", "_offset"),
    }
    links = [_val(names, c) for c in ("Link", "Final Link") if c in names]
    pc = _ct_time(names, "Page Created")
    cols = {
        "platform": "CASE WHEN _ig THEN 'instagram' ELSE 'facebook' END",
        "native_id": "CASE WHEN _ig THEN _key ELSE _account || '_' || _key END",
        "account_native_id": "_account",
        "account_handle": _val(names, "User Name"),
        "account_name": _first(names, "Page Name", "Group Name", "Account"),
        "account_followers": _count(names, "Followers at Posting"),
        "account_description": _val(names, "Page Description"),
        # no zone, as a rule: a plain cast, and the full parse only where that fails
        "account_created_at": f"coalesce(try_cast({_val(names, 'Page Created')} AS TIMESTAMPTZ), "
        f"{_ct_ts(pc, _ct_offset(pc))})"
        if "Page Created" in names
        else "NULL",
        "created_at": "_created",
        "text": _first(names, "Message", "Description"),
        "urls": f"list_filter([{', '.join(links)}], lambda x: x IS NOT NULL AND "
        "rtrim(x, '/') <> coalesce(rtrim(_url, '/'), ''))"
        if links
        else "NULL",
        "likes": _count(names, "Likes"),
        "reposts": _count(names, "Shares"),
        "replies": _count(names, "Comments"),
        "views": _count(names, "Post Views" if "Post Views" in names else "Views"),
    }
    t = f"trim({_qi(tcol)})"
    checks = [
        ("_url IS NULL", "'empty URL'"),
        ("_key IS NULL", "'no post id in URL ''' || _url || ''''"),
        ("_account IS NULL", "CASE WHEN _ig THEN 'empty User Name' ELSE 'empty Facebook Id' END"),
        (f"nullif({t}, '') IS NULL", f"'empty {tcol}'"),
        (
            "_tp.d <> '' AND _offset IS NULL",
            f"'unknown time zone ''' || trim(_tp.z) || ''' in column {tcol}'",
        ),
        (
            "_created IS NULL",
            f"'bad timestamp ''' || {t} || ''' in column {tcol}: "
            "expected ''YYYY-MM-DD HH:MM:SS ZONE'''",
        ),
    ]
    return _select_list(cols), derived, checks


def _mcl(names: Sequence[str]) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
    """Derived columns and the ordered (condition, reason) checks of a Content Library row."""
    fb_only = any(n.startswith("surface.") or n in MCL_FB_ONLY for n in names)
    default = "facebook" if fb_only else "instagram"
    mcl_url = f"lower(coalesce({_val(names, 'mcl_url')}, ''))"
    link = _first(names, "link_attachment.link", "link_url")
    ts = f"trim({_qi('creation_time')})"
    created = (
        f"CASE WHEN regexp_full_match({ts}, '{_EPOCH}') THEN to_timestamp({ts}::DOUBLE) "
        f"ELSE try_cast({ts} AS TIMESTAMPTZ) END"
    )
    derived = {"_created": created}
    cols = {
        "platform": f"CASE WHEN contains({mcl_url}, '/instagram/') THEN 'instagram' "
        f"WHEN contains({mcl_url}, '/facebook/') THEN 'facebook' "
        f"ELSE '{default}' END",
        "native_id": _id(names, "id"),
        "account_native_id": _id(names, "post_owner.id"),
        "account_handle": _val(names, "post_owner.username"),
        "account_name": _val(names, "post_owner.name"),
        "created_at": "_created",
        "text": _val(names, "text"),
        "lang": _val(names, "lang"),
        "urls": f"CASE WHEN {link} IS NULL THEN [] ELSE [{link}] END" if link != "NULL" else "NULL",
        "repost_of": _id(names, "shared_post_id"),
        "likes": _count(
            names,
            "statistics.like_count"
            if "statistics.like_count" in names
            else "statistics.reaction_count",
        ),
        "reposts": _count(names, "statistics.share_count"),
        "replies": _count(names, "statistics.comment_count"),
        "views": _count(names, "statistics.views"),
    }
    checks = [
        (f"{cols['native_id']} IS NULL", "'empty id'"),
        (f"{cols['account_native_id']} IS NULL", "'empty post_owner.id'"),
        (f"nullif({ts}, '') IS NULL", "'empty creation_time'"),
        (
            "_created IS NULL",
            f"'bad timestamp ''' || {ts} || ''' in column creation_time: "
            "expected ISO 8601 or epoch seconds'",
        ),
    ]
    return _select_list(cols), derived, checks


def _select_list(cols: dict[str, str]) -> str:
    return ",\n".join(f"{expr} AS {name}" for name, expr in cols.items())


def _statements(names: Sequence[str]) -> tuple[str, str]:
    """The ``select_sql`` and ``reject_sql`` for the header ``names``."""
    build = _crowdtangle if _family(names) == "crowdtangle" else _mcl
    select_list, derived, checks = build(names)
    raw = "to_json(struct_pack(" + ", ".join(f"{_qi(n)} := {_qi(n)}" for n in names) + "))"
    rows = "batch AS t0"
    for i, (name, expr) in enumerate(derived.items(), start=1):
        rows = f"(SELECT *, {expr} AS {name} FROM {rows}) AS t{i}"
    bad = " OR ".join(f"({cond})" for cond, _ in checks)
    select_sql = f"""
        SELECT _line AS source_line, {select_list}, {raw} AS raw
        FROM (SELECT * FROM {rows} WHERE NOT ({bad})) AS good
    """
    whens = " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in checks)
    reject_sql = f"""
        SELECT _line AS line, CASE {whens} END AS reason, left({raw}, 200) AS excerpt
        FROM (SELECT * FROM {rows} WHERE {bad}) AS bad
    """
    return select_sql, reject_sql


def read(source: Source, stage: Stage) -> None:
    names, delim = read_header(source)
    family = _family(names)
    if family is None:
        raise MissingColumns(
            f"{source.name}: not a {NAME} header (CrowdTangle needs URL, Post Created and "
            "Facebook Id or User Name; the Content Library needs id, creation_time, "
            f"post_owner.id); found: {', '.join(names) or '(none)'}",
            hint=f"'onevoice formats' describes the {NAME} format",
        )
    if family == "crowdtangle":
        account = (
            "Facebook Id" if "Facebook Id" in names or "User Name" not in names else "User Name"
        )
        time_col = "Post Created" if "Post Created" in names else "Created"
        check_columns(source, names, ("URL", time_col, account), NAME)
    else:
        check_columns(source, names, ("id", "creation_time", "post_owner.id"), NAME)
    select_sql, reject_sql = _statements(names)
    for batch in csv_batches(source, stage, names, delim, batch_size=stage.arrow_batch_size):
        stage.add_arrow(batch, select_sql, reject_sql)
