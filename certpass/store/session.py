"""certpass's own Session class: every write listener is registered on it, not on
SQLAlchemy's global ``Session``, so importing certpass changes no other session in the
process (a plain ``sqlalchemy.orm.Session`` beside it sees no certpass hook)."""

from __future__ import annotations

from sqlalchemy.orm import Session

# In `session.info` of the sessions `Database.read()` hands out: nothing is written there,
# so what such a session reads is the committed state (caches may share it across sessions).
READS_ONLY = "certpass.reads_only"


class CertpassSession(Session):
    """The sessions ``Database.read()`` and ``Database.write()`` hand out. Listeners:
    store.pending (buffered rows, before each statement and at commit), store.savepoints
    (buffers that follow savepoints), the ledger's frontier and the status-list cursors (at
    commit), the alert targets (dropped at the end of the transaction)."""
