"""Accounts: the user document, settings, security events, export and deletion."""
