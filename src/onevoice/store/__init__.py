"""The analytic store: one DuckDB database file in a directory (default ``./onevoice-data``)."""

from onevoice.store.store import DEFAULT_STORE, Store, StoreInfo

__all__ = ["DEFAULT_STORE", "Store", "StoreInfo"]
