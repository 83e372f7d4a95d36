"""What other domains may use of links: re-labelling an owner's links on a credential change."""

from __future__ import annotations

from normogen.links.repository import labelled_ids, set_label

__all__ = ["labelled_ids", "set_label"]
