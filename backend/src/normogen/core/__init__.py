"""Per-process primitives every layer may use: HTTP helpers, metrics, tokens, hashing, gates."""
