"""Normogen reference client: client-side crypto and an API client."""
