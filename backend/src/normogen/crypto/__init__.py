"""Envelope and key-shape validation: the server checks ciphertext shapes and never decrypts."""
