"""Every capability's tables, gathered so Alembic sees one metadata."""

# Importing the model modules registers their tables on Base.metadata.
import certpass.accounts.models
import certpass.alerts.models
import certpass.certificates.models
import certpass.credentials.models
import certpass.index.models
import certpass.ledger.models
import certpass.projects.models
import certpass.recognition.models
import certpass.registry.models  # noqa: F401
from certpass.store.base import Base

metadata = Base.metadata
