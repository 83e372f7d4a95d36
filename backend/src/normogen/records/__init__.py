"""Health records: encrypted entries of a profile, with revisions, tombstones and sync."""
