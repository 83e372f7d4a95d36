"""Profiles: the people whose health data is tracked (self, child, parent)."""
