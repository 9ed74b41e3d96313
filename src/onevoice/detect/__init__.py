"""Coordination detection: who shares the same things within seconds of each other.

Each kind of coordination is a module naming what counts as "the same item" (a canonical
URL, a domain, a hashtag, a reposted post, a near-identical text…); :mod:`.cooccur` turns
any of them into weighted account pairs with one bucketed window join; :mod:`.networks`
groups the pairs into networks and names their hubs; :mod:`.export` writes them for people
and for Gephi. :func:`onevoice.detect.run.detect` runs the whole chain on a store.
"""
