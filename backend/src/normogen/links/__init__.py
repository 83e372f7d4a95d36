"""Share links: client-encrypted snapshots behind an unguessable id, expiring and counted."""
