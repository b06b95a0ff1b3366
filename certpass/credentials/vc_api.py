"""The W3C VC-API's request bodies as models: what `POST /credentials/issue`,
`POST /credentials/verify` and `POST /presentations/verify` read, and what the OpenAPI
document shows for them. The handlers read a body with these after deciding who may send
it (a signer's role is checked before its input is looked at), and say what is wrong in
the VC-API's own terms."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class IssueOptions(BaseModel):
    """Other VC-API options (credentialId, mandatoryPointers...) are accepted and unused."""

    model_config = ConfigDict(extra="allow")

    cryptosuite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"] = "eddsa-rdfc-2022"
    created: str | None = Field(default=None, description="the proof's dateTime (default: now)")


class _Request(BaseModel):
    """A VC-API request: its two members, `options` optional (null, absent: defaults)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("options", mode="before", check_fields=False)
    @classmethod
    def _defaults_for_null(cls, value: Any) -> Any:
        return {} if value is None else value


class IssueRequest(_Request):
    credential: dict[str, Any] = Field(description="the unsigned VC 2.0 credential")
    options: IssueOptions = Field(default_factory=IssueOptions)


class VerifyOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    checks: list[str] = Field(default_factory=list, description=(
        "checks that must have been performed and passed; every check runs whatever it "
        "asks (format, integrity or proof, register, issuer, authority, status or "
        "credentialStatus, validity or expiration, log)"))


class VerifyCredentialRequest(_Request):
    verifiableCredential: dict[str, Any]
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class PresentationOptions(VerifyOptions):
    challenge: str | None = None
    domain: str | None = None


class VerifyPresentationRequest(_Request):
    verifiablePresentation: dict[str, Any]
    options: PresentationOptions = Field(default_factory=PresentationOptions)


# POST /api/verify (certpass's own verify API) takes one of these shapes, or a credential
# itself; the handler tells them apart by their keys. Documented as such (OpenAPI anyOf).
class VerifyByNumber(BaseModel):
    """What a QR code carries: the certificate number and the hash of the issue it shows."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=80)
    sha256: str | None = Field(default=None, pattern=r"^(sha256:)?[0-9a-fA-F]{64}$")
    issuer: str | None = Field(default=None, min_length=1, max_length=64, description=(
        "the issuing body's id; needed only where several bodies hold the number and no "
        "sha256 tells them apart"))


class VerifyJwt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jwt: str = Field(description="a compact VC-JOSE token (vc+jwt)")


class VerifyWithReceipt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential: dict[str, Any] | str = Field(description="the credential (or its JWT)")
    receipt: str = Field(description="its C2SP tlog-proof receipt")
    entry: str | None = Field(default=None, description="the log entry's JSON text")


def problem(exc: ValidationError) -> str:
    """The first thing wrong with a request, located: `options.checks: ...`."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the request"
    if first["type"] == "missing":
        return f"{where} is required"
    if first["type"] == "extra_forbidden":
        return f"{where} is not a field of this request"
    return f"{where}: {first['msg']}"
