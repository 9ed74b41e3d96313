"""Demo data: a simulated G20-summit news cycle with planted coordinated networks.

- :func:`generate` writes a small multi-platform demo set in the platforms' real export
  formats, plus ``ground_truth.json`` (the planted networks) — ``onevoice demo-data``.
- :func:`write_benchmark_posts` streams any number of generated posts to one file, for the
  ingest benchmark (``benchmarks/ingest.py``).
"""

from onevoice.demo.bench import write_benchmark_posts
from onevoice.demo.generator import generate

__all__ = ["generate", "write_benchmark_posts"]
