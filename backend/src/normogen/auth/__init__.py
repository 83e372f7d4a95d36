"""Authentication: zero-knowledge login, sessions and tokens."""
