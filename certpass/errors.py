"""Errors are values with a code, an HTTP status and diagnostics a person can act on.

Every front end (HTTP, CLI, web pages) renders a ``CertpassError`` the same way:
``{"error": {"code", "message", "hint", "details"}}`` with ``http_status``.
"""

from __future__ import annotations

from typing import Any


class CertpassError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, hint: str = "", details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def diagnostics(self) -> dict[str, Any]:
        return diagnostics(self.code, self.message, self.hint, self.details)


def diagnostics(code: str, message: str, hint: str = "", details: Any = None) -> dict[str, Any]:
    """An error's {"code", "message", "hint", "details"} (the last two only when given)."""
    out: dict[str, Any] = {"code": code, "message": message}
    if hint:
        out["hint"] = hint
    if details is not None:
        out["details"] = details
    return out


def error_body(code: str, message: str, hint: str = "", details: Any = None) -> dict[str, Any]:
    """The JSON body of an error response, for errors raised outside the services (body
    limits, rate limits, request validation)."""
    return {"error": diagnostics(code, message, hint, details)}


class InvalidInput(CertpassError):
    code = "invalid-input"
    http_status = 422


class ValidityTooLong(InvalidInput):
    """valid_until lies beyond what the scheme's validity allows."""

    code = "validity-too-long"


class BackdateReasonNeeded(InvalidInput):
    """An accreditation starting far in the past needs a reason, which the log records."""

    code = "backdate-reason-needed"


class UnofferedDate(InvalidInput):
    """A date the public outcome figures are not computed for (only a bounded set is)."""

    code = "date-not-offered"
    http_status = 400


class InvalidSetting(CertpassError):
    code = "invalid-setting"
    http_status = 500


class WeakSecret(InvalidSetting):
    code = "weak-secret"


class NotFound(CertpassError):
    code = "not-found"
    http_status = 404


class Conflict(CertpassError):
    code = "conflict"
    http_status = 409


class DuplicateCertificate(Conflict):
    code = "duplicate-certificate"


class AmbiguousNumber(Conflict):
    """A certificate number several issuers hold, asked for without its issuer (numbers are
    unique per issuer, so no body can take a number another will print)."""

    code = "ambiguous-number"


class IllegalTransition(Conflict):
    code = "illegal-transition"


class OutOfScope(CertpassError):
    """The issuing body is not accredited for what it tries to certify."""

    code = "out-of-scope"
    http_status = 422


class NotAccredited(CertpassError):
    code = "not-accredited"
    http_status = 422


class TooLarge(CertpassError):
    code = "too-large"
    http_status = 413


class Unauthenticated(CertpassError):
    code = "unauthenticated"
    http_status = 401


class Forbidden(CertpassError):
    code = "forbidden"
    http_status = 403


class Backdated(Forbidden):
    """A date further back than the back-dating window, from an actor without the privilege."""

    code = "backdated"


class RateLimited(CertpassError):
    code = "rate-limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Busy(CertpassError):
    """Every worker for this kind of request is taken: try again shortly."""

    code = "busy"
    http_status = 503

    def __init__(self, message: str, *, retry_after: int, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class IntegrityFailure(CertpassError):
    """A proof, signature or log check failed."""

    code = "integrity-failure"
    http_status = 422
