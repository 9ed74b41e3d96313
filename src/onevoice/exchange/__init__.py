"""Exchange with partner task forces: STIX 2.1, MISP feeds, Meta indicators, platform CSVs.

Library only, independent of Django: :mod:`.model` is the plain-data case every format
reads and writes; :mod:`.stix_export` / :mod:`.stix_import` speak STIX 2.1 (OpenCTI),
:mod:`.misp_feed` writes a MISP feed, :mod:`.meta_indicators` reads Meta's threat-research
CSVs, :mod:`.platform_csv` lists a network's assets for platforms, :mod:`.defang` refangs
and classifies indicators, :mod:`.disarm_catalog` reads the DISARM bundles.
"""
