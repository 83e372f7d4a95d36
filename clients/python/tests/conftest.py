"""Hypothesis without per-example deadlines: a loaded machine must not fail correct code
(timing belongs in backend/bench; the backend's tests/conftest.py does the same)."""

from hypothesis import settings

settings.register_profile("normogen", deadline=None)
settings.load_profile("normogen")
