"""Accounts: the role groups, the throttled login and the login audit trail."""
