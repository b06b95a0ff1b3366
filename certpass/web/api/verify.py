"""Verification over HTTP: POST /api/verify, the W3C VC-API POST /credentials/verify and
POST /presentations/verify, and
the signed accreditation credentials (UNTP DIAs) of a body (GET
/bodies/{id}/accreditations.json) and of one accreditation (GET
/api/accreditations/{number}/credential.json): UNTP 0.7.0, `?untp=0.6.1` for the 0.6.1 form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from certpass.credentials import presentation, vc_api, verifier
from certpass.credentials.accreditation import UNTP_SERVED
from certpass.credentials.bundle import BundleNotReady
from certpass.credentials.trust import LiveTrust, signed_accreditations
from certpass.errors import InvalidInput, NotFound
from certpass.recognition import service as recognition
from certpass.recognition.snapshot import load_snapshot
from certpass.registry.models import Body as BodyRow
from certpass.web.deps import DB, ReadSession, SettingsDep, documented_body
from certpass.web.downloads import certificate_file

router = APIRouter(tags=["verify"])
_SHAPES = ("a credential JSON object, {\"jwt\": \"...\"}, {\"number\": \"...\"} (with "
           "\"sha256\": the hash a QR code carries) or {\"credential\": ..., \"receipt\": "
           "\"...\"}")
_SHA256 = re.compile(r"^(sha256:)?[0-9a-fA-F]{64}$")


@router.post("/api/verify", openapi_extra=documented_body(
    vc_api.VerifyByNumber, vc_api.VerifyJwt, vc_api.VerifyWithReceipt,
    also={"type": "object", "description": "a credential: JSON-LD with its proof, or an "
                                           "EnvelopedVerifiableCredential"}))
def verify(
    session: ReadSession,
    settings: SettingsDep,
    payload: Annotated[Any, Body()],
    on: Annotated[dt.date | None, Query(description="judge validity on this date")] = None,
    market: Annotated[str | None, Query(
        min_length=2, max_length=8,
        description="also decide recognition in this market (e.g. CN)")] = None,
) -> dict[str, Any]:
    """The verdict and every check (and, with `market`, the recognition decision for the
    verified credential). Always 200 for a well-formed request, whatever the verdict; 422
    only for a body that is not one of the accepted shapes, or an unknown market."""
    if not isinstance(payload, dict) or not payload:
        raise InvalidInput(f"send {_SHAPES}")
    trust = LiveTrust(session, settings)
    if "number" in payload and set(payload) <= {"number", "sha256", "issuer"}:
        number, sha256, issuer = payload["number"], payload.get("sha256"), payload.get("issuer")
        if not isinstance(number, str) or not 0 < len(number) <= 80:
            raise InvalidInput("number must be a certificate number (1 to 80 characters)")
        if sha256 is not None and not (isinstance(sha256, str) and _SHA256.match(sha256)):
            raise InvalidInput("sha256 must be 64 hexadecimal digits (the hash the QR code "
                               "carries)", hint="copy it from the QR code's URL: ...&sha256=")
        if issuer is not None and not (isinstance(issuer, str) and 0 < len(issuer) <= 64):
            raise InvalidInput("issuer must be a body id (1 to 64 characters)")
        result = verifier.verify_number(number, trust, on=on, sha256=sha256, issuer=issuer)
    elif set(payload) == {"jwt"}:
        if not isinstance(payload["jwt"], str):
            raise InvalidInput("jwt must be a compact VC-JOSE token string")
        result = verifier.verify(payload["jwt"], trust, on=on)
    else:
        result = verifier.verify(payload, trust, on=on)
    if market is None:
        return result.to_json()
    decision = recognition.for_verified(result, market, on or dt.date.today(),
                                        load_snapshot(session))
    return result.to_json() | {"recognition": decision}


# VC-API verified = nothing wrong with the credential itself; the certpass verdict (which also
# asks "is the issuer accredited for this?") comes alongside.
_VC_API_FAILS = {"malformed", "tampered", "unknown-issuer", "unregistered", "revoked",
                 "suspended", "expired", "not-yet-valid"}


# The VC-API answers "not verified" with 400 and its own result shape; the edge's refusals
# (NUL bytes, deep JSON, ...) keep certpass's error shape. Both are documented.
VC_API_NOT_VERIFIED: dict[int | str, dict[str, Any]] = {400: {
    "description": "Not verified: the VC-API result with `verified: false` and its errors "
                   "(or a request the edge refused, in certpass's error shape)",
    "content": {"application/json": {"schema": {"anyOf": [
        {"type": "object", "required": ["verified", "errors"],
         "properties": {"verified": {"type": "boolean", "const": False},
                        "errors": {"type": "array", "items": {"type": "string"}},
                        "checks": {"type": "array"}}},
        {"$ref": "#/components/schemas/ErrorResponse"}]}}}}}


# VC-API `options.checks`: the checks a caller requires. Every check always runs (a caller
# cannot switch the status or issuer check off); a required check must also have been
# performed and passed, so a caller can insist on, e.g., a log receipt ("log") or the
# holder's signature ("proof"). VC-API names stand for certpass's where they differ.
_CHECK_ALIASES = {"credentialStatus": "status", "expiration": "validity"}
_CREDENTIAL_CHECKS = (*verifier.CHECKS, "proof")  # "proof": the credential's integrity
_PRESENTATION_CHECKS = ("format", "proof", "credentials")


def _required_checks(asked: list[str], known: tuple[str, ...], proof: str) -> list[str] | str:
    """The checks `options.checks` requires (certpass's names), or what is wrong with it."""
    names = [proof if c == "proof" else _CHECK_ALIASES.get(c, c) for c in asked]
    unknown = [c for c, n in zip(asked, names, strict=True) if n not in known]
    if unknown:
        return (f"options.checks: certpass runs no check {unknown[0][:60]!r}; it runs "
                f"{', '.join(dict.fromkeys((*known, *_CHECK_ALIASES)))} (every one, always)")
    return list(dict.fromkeys(names))


R = TypeVar("R", vc_api.VerifyCredentialRequest, vc_api.VerifyPresentationRequest)


def _read(model: type[R], payload: Any, known: tuple[str, ...],
          proof: str) -> tuple[R, list[str]] | JSONResponse:
    """The request and the checks it requires, or the VC-API's 400 saying what is wrong."""
    try:
        request = model.model_validate(payload)
    except ValidationError as exc:
        return _not_verified(vc_api.problem(exc))
    required = _required_checks(request.options.checks, known, proof)
    return _not_verified(required) if isinstance(required, str) else (request, required)


def _not_verified(error: str) -> JSONResponse:
    return JSONResponse({"verified": False, "checks": [], "errors": [error]}, status_code=400)


def _unmet(required: list[str], passed: list[str], checks: list[verifier.Check]) -> list[str]:
    """Required checks that did not pass and are not already errors (not performed)."""
    failed = {c.name for c in checks if c.ok is False}
    detail = {c.name: c.detail for c in checks}
    return [f"{n}: required by options.checks, but not performed"
            + (f" ({detail[n]})" if detail.get(n) else "")
            for n in required if n not in passed and n not in failed]


@router.post("/credentials/verify", responses=VC_API_NOT_VERIFIED,
             openapi_extra=documented_body(vc_api.VerifyCredentialRequest))
def vc_api_verify(
    session: ReadSession,
    settings: SettingsDep,
    payload: Annotated[Any, Body()],
) -> JSONResponse:
    """W3C VC-API: `{"verifiableCredential": {...}, "options": {...}}` → 200 verified, or
    400 `{"verified": false, "errors": [...]}`."""
    read = _read(vc_api.VerifyCredentialRequest, payload, _CREDENTIAL_CHECKS, "integrity")
    if isinstance(read, JSONResponse):
        return read
    request, required = read
    result = verifier.verify(request.verifiableCredential, LiveTrust(session, settings))
    checks = [c.name for c in result.checks if c.ok]
    body: dict[str, Any] = {"checks": checks, "warnings": [], "verdict": result.verdict,
                            "results": [c.to_json() for c in result.checks]}
    unmet = _unmet(required, checks, result.checks)
    if result.verdict in _VC_API_FAILS or unmet:
        errors = [f"{c.name}: {c.detail}" for c in result.checks if c.ok is False] + unmet
        return JSONResponse(body | {"verified": False, "errors": errors}, status_code=400)
    # Not failed, but something to say (a verdict short of valid, or a status entry of a
    # kind certpass does not read: verified, but its status unknown).
    body["warnings"] = result.warnings()
    return JSONResponse(body | {"verified": True, "errors": []})


@router.post("/presentations/verify", responses=VC_API_NOT_VERIFIED,
             openapi_extra=documented_body(vc_api.VerifyPresentationRequest))
def vc_api_verify_presentation(
    session: ReadSession,
    settings: SettingsDep,
    payload: Annotated[Any, Body()],
) -> JSONResponse:
    """W3C VC-API: `{"verifiablePresentation": {...}, "options": {"challenge", "domain"}}`
    → 200 verified, or 400 `{"verified": false, "errors": [...]}`. The presentation is
    secured with a Data Integrity proof or is an EnvelopedVerifiablePresentation (VC-JOSE,
    `data:application/vp+jwt,...`); a holder whose key certpass cannot resolve offline (a
    did:web it does not know) is not verified, and the errors say so. Every check is always
    run; `options.checks` names those that must also have been performed and passed
    (`format`, `proof`: the holder's signature, `credentials`)."""
    read = _read(vc_api.VerifyPresentationRequest, payload, _PRESENTATION_CHECKS, "proof")
    if isinstance(read, JSONResponse):
        return read
    request, required = read
    result = presentation.verify_presentation(
        request.verifiablePresentation, LiveTrust(session, settings),
        challenge=request.options.challenge, domain=request.options.domain)
    body = result.to_json()
    unmet = _unmet(required, body["checks"], result.checks)
    if unmet:
        body |= {"verified": False, "errors": body["errors"] + unmet}
    return JSONResponse(body, status_code=200 if body["verified"] else 400)


UntpDia = Annotated[Literal["0.6.1", "0.7.0"], Query(
    description="UNTP version of the Digital Identity Anchor: 0.7.0 (the default: "
                "registerType accreditation) or 0.6.1 (the form the trust bundle carries, for "
                "partners still on 0.6.1); the same accreditation signed by the same key and "
                "cryptosuite")]


@router.get("/bodies/{body_id}/accreditations.json")
def accreditations(
    db: DB, settings: SettingsDep,
    body_id: Annotated[str, Path(min_length=1, max_length=64)],
    untp: UntpDia = UNTP_SERVED,
) -> list[dict[str, Any]]:
    """The body's accreditations, each a UNTP DIA signed by its accreditation body."""
    # A read: a GET never writes. Accreditation bodies get their key when they grant
    # (or by `certpass trust prepare`); one without a key yet answers 409 saying so.
    with db.read() as session:
        if session.get(BodyRow, body_id) is None:
            raise NotFound(f"no body {body_id!r} is registered", details={"body": body_id})
        try:
            return signed_accreditations(session, settings, body_id, create=False, untp=untp)
        except NotFound as exc:
            raise BundleNotReady(
                f"an accreditation body of {body_id} has not signed its accreditations yet",
                hint="an operator runs `certpass trust prepare` once (it makes their keys)",
            ) from exc


@router.get("/api/accreditations/{number:path}/credential.json")
def accreditation_credential(
    db: DB, settings: SettingsDep,
    number: Annotated[str, Path(min_length=1, max_length=80)],
    untp: UntpDia = UNTP_SERVED,
) -> JSONResponse:
    """One accreditation as a UNTP DIA signed by its accreditation body, as a file to keep
    (`{number}.dia.json`, `{number}-untp0.6.1.dia.json`). A read, like the body's list: 409
    until the accreditation body has a key."""
    with db.read() as session:
        try:
            dias = signed_accreditations(session, settings, create=False, number=number,
                                         untp=untp)
        except NotFound as exc:
            raise BundleNotReady(
                f"the accreditation body of {number} has not signed its accreditations yet",
                hint="an operator runs `certpass trust prepare` once (it makes their keys)",
            ) from exc
    if not dias:
        raise NotFound(f"unknown accreditation {number!r}", details={"accreditation": number})
    suffix = ".dia.json" if untp == UNTP_SERVED else f"-untp{untp}.dia.json"
    return JSONResponse(dias[0], headers=certificate_file(number, suffix))
