"""Families: groups sharing profiles through a family key wrapped to each member's public key."""
