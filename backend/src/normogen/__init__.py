"""Normogen: a zero-knowledge health-data server."""

__version__ = "0.1.0"
