"""Trusted notebooks: which notebook contents a user has written or chosen to trust (issue 10, item 5)."""
