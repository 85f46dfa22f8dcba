"""Accounts: registration, sign-in, profile, password policy."""
