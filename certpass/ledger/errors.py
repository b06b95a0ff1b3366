"""The ledger's error values (all are integrity failures or bad requests)."""

from __future__ import annotations

from certpass.errors import CertpassError, IntegrityFailure


class InvalidProof(IntegrityFailure):
    """A Merkle inclusion or consistency proof does not verify."""

    code = "invalid-proof"


class InvalidNote(IntegrityFailure):
    """A signed note, checkpoint or receipt is malformed or its signature does not verify."""

    code = "invalid-note"


class LogTampered(IntegrityFailure):
    """The stored log disagrees with itself or with a signed checkpoint."""

    code = "log-tampered"
    http_status = 500


class BadLogRequest(CertpassError):
    """A request names an index, size or tile the log does not have."""

    code = "bad-log-request"
    http_status = 400
