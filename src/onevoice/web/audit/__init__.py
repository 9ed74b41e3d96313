"""The append-only audit log: who viewed, created, changed, exported or published what.

Use :func:`onevoice.web.audit.models.audit` to record an event.
"""
