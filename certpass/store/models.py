"""Every capability's tables, gathered so Alembic sees one metadata."""

from certpass.store.base import Base

# Importing the model modules registers their tables on Base.metadata.
import certpass.accounts.models  # noqa: E402, F401
import certpass.certificates.models  # noqa: E402, F401
import certpass.ledger.models  # noqa: E402, F401
import certpass.projects.models  # noqa: E402, F401
import certpass.recognition.models  # noqa: E402, F401
import certpass.registry.models  # noqa: E402, F401

metadata = Base.metadata
