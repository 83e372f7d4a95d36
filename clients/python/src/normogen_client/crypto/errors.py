"""Exceptions raised by the client-side crypto layer."""

from __future__ import annotations


class CryptoError(Exception):
    """Malformed key material, envelope or parameters (never carries secret values)."""


class DecryptionError(CryptoError):
    """Authenticated decryption failed: wrong key, wrong AAD or tampered ciphertext."""
