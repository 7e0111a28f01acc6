"""Accounts, password hashing, sessions, CSRF, login rate limits and API tokens."""
