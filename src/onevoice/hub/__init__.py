"""The public G20 hub: every presidency's record in one layout, published after review.

Wagtail pages on the same Django as the taskforce's web application: presidencies → tracks →
meetings → documents (with language versions and commitments), official accounts and
debunks. Publishing goes through :mod:`.workflow` (a reviewer other than the author).
"""
