"""The credential of every certificate issue, signed in the issuing transaction.

``on_issue`` is called by the certificate service for each new issue (first issue or
amendment) before the issue's log entry is appended: it maps the rows to a UNTP 0.6.1
Digital Conformity Credential, signs it with the issuer's current key (eddsa-jcs-2022),
buffers its row (store.pending) and returns the document hash the log entry carries. Its
VC-JOSE JWT is signed when downloaded (``jwt``). ``on_status_change`` flips the
certificate's status-list bits.

Bulk issuance asks the same questions thousands of times per transaction (the issuer's DID,
key, accreditation body, scheme...), so the answers are kept in a `_Passports` held on the
IssuingContext for the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote

from pydantic import ValidationError
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from certpass.accounts.actor import Actor
from certpass.certificates import lifecycle
from certpass.certificates.context import IssuingContext
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import (
    dcc,
    dcc070,
    jose,
    keyring,
    proofs,
    schemas,
    status,
    validation,
    vc_api,
)
from certpass.credentials.models import IssuedCredential
from certpass.credentials.multikey import Ed25519KeyPair
from certpass.credentials.vc_model import parse_datetime
from certpass.errors import Forbidden, InvalidInput, NotFound
from certpass.jcs import canonicalize
from certpass.registry.models import Body, Scheme, Standard
from certpass.store import pending
from certpass.store.base import utcnow

MEDIA_TYPE = "application/vc+ld+json"
# Issuance signs and registers the UNTP 0.6.1 DCC; 0.7.0 is its other form on request.
# The form registered, hashed and logged at issuance (its digest is what the register, the
# QR code and the log hold), and the form served by default: the same issue in UNTP 0.7.0,
# signed by the same key with the same proof `created`, so its bytes never change; it verifies
# through its exact 0.6.1 form (dcc070.read_070). Partners on 0.6.1 ask for `?untp=0.6.1`.
UNTP_STORED: Final = "0.6.1"
UNTP_SERVED: Final = "0.7.0"
UNTP_VERSIONS = (UNTP_STORED, UNTP_SERVED)
JWT_MEDIA_TYPE = "application/vc+jwt"
_ATTESTATION_TYPES = {"test-report": "testing", "inspection-report": "inspection"}
_GLOBAL_MRA = ("IAF MLA", "ILAC MRA")
Row = Mapping[str, Any]  # a table row as a dict (store.pending)


@dataclass
class _Passports:
    """One transaction's cached answers (see module doc)."""

    signers: dict[str, keyring.Signer] = field(default_factory=dict)
    parties: dict[str, dcc.Party] = field(default_factory=dict)
    schemes: dict[str, tuple[dcc.Scheme, dcc.Regulation | None]] = field(default_factory=dict)
    standards: dict[str, dcc.StandardRef] = field(default_factory=dict)
    accreditations: dict[tuple[str, str], dcc.AccreditationRef] = field(default_factory=dict)
    # (issuer, scheme, category, standards, issue date) → the accreditation it falls under
    scopes: dict[tuple[Any, ...], dcc.AccreditationRef] = field(default_factory=dict)
    holders: dict[tuple[Any, ...], dcc.Party] = field(default_factory=dict)
    list_urls: dict[tuple[str, str, int], str] = field(default_factory=dict)


def issuing(session: Session, settings: Settings) -> IssuingContext:
    """The context of a lifecycle write whose issues this module signs (on_issue) and whose
    status changes it flips in the status lists (on_status_change)."""
    return IssuingContext(session, settings, sys.modules[__name__])


def _state(ctx: IssuingContext) -> _Passports:
    if ctx.credentials is None:
        ctx.credentials = _Passports()
    return ctx.credentials


# --- URLs ---------------------------------------------------------------------------------


def _base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")


RESOLVER_PATH = "/id/certificates/"  # the identity resolver's key for a certificate


def verify_url(settings: Settings, number: str, sha256_hex: str) -> str:
    """The verification page of a certificate issue: its number and credential hash."""
    return f"{_base(settings)}/verify?number={quote(number, safe='')}&sha256={sha256_hex}"


def resolver_url(settings: Settings, number: str, sha256_hex: str | None = None) -> str:
    """The certificate's identity-resolver URL (ISO/IEC 18975); what the QR code carries,
    with the hash of the credential of the issue it was printed for. A browser following
    it lands on `verify_url`; a machine gets the certificate's linkset."""
    url = f"{_base(settings)}{RESOLVER_PATH}{quote(number, safe='')}"
    return f"{url}?sha256={sha256_hex}" if sha256_hex else url


# --- mapping rows to the DCC --------------------------------------------------------------


def _signer(ctx: IssuingContext, body_id: str) -> keyring.Signer:
    st = _state(ctx)
    signer = st.signers.get(body_id)
    # A savepoint that rolled back may have thrown a key made inside it out of the session.
    if signer is None or inspect(signer.row).detached:
        signer = st.signers[body_id] = keyring.signer(ctx.session, ctx.settings, body_id)
    return signer


def _body_party(ctx: IssuingContext, body_id: str) -> dcc.Party:
    st = _state(ctx)
    p = st.parties.get(body_id)
    if p is None:
        body = ctx.get(Body, body_id)
        p = st.parties[body_id] = dcc.Party(keyring.did(ctx.settings, body_id), body.name_en)
    return p


def scheme_reference(ctx: IssuingContext, code: str
                     ) -> tuple[dcc.Scheme, dcc.Regulation | None]:
    """The scheme (and its regulation) as credentials cite it; the conformity-scheme
    document (scheme_document) is published under the same id."""
    st = _state(ctx)
    if code not in st.schemes:
        row = ctx.get(Scheme, code)
        base = _base(ctx.settings)
        ref = f"{base}/api/schemes/{quote(code, safe='')}"
        owner = (_body_party(ctx, row.owner_id) if row.owner_id
                 else dcc.Party(row.website or ref, f"{row.name_en} owner"))
        scheme = dcc.Scheme(
            id=ref, code=row.code, name=row.name_en, owner=owner,
            # The registry keeps no scheme versions; the scheme as in force at issue.
            valid_from=dt.date(2000, 1, 1),
            description=f"{row.name_en} ({row.code})" + (f" / {row.name_zh}" if row.name_zh
                                                         else ""),
        )
        regulation = None
        if row.regulation:
            regulation = dcc.Regulation(
                id=f"urn:certpass:regulation:{quote(row.code, safe='')}",
                name=row.regulation,
                jurisdiction=row.home_markets[0] if row.home_markets else "",
                administered_by=owner,
            )
            if not regulation.jurisdiction:
                regulation = None
        st.schemes[code] = (scheme, regulation)
    return st.schemes[code]


def standard_reference(ctx: IssuingContext, ref: str) -> dcc.StandardRef:
    st = _state(ctx)
    out = st.standards.get(ref)
    if out is None:
        row = ctx.get(Standard, ref)
        try:
            out = dcc.standard_ref(ref)
        except InvalidInput:  # a publisher dcc does not know: name it from the registry
            name = row.publisher or ref.split(" ", 1)[0]
            out = dcc.StandardRef(ref, dcc.Party(f"urn:certpass:publisher:{quote(name, safe='')}",
                                                 name))
        st.standards[ref] = out
    return out


def _accreditation(ctx: IssuingContext, certificate: Row, issue: Row) -> dcc.AccreditationRef:
    st = _state(ctx)
    asked = (certificate["issuer_id"], certificate["scheme_code"],
             certificate["category_code"], tuple(issue["standards"]), issue["issued_on"])
    ref = st.scopes.get(asked)
    if ref is None:
        ref = st.scopes[asked] = _accreditation_ref(ctx, *asked)
    return ref


def _accreditation_ref(ctx: IssuingContext, issuer_id: str, scheme: str, category: str,
                       standards: tuple[str, ...], on: dt.date) -> dcc.AccreditationRef:
    found = lifecycle.check_scope(issuer_id, ctx.scopes(issuer_id), scheme, category,
                                  standards, on)
    st = _state(ctx)
    key = (issuer_id, found.number)
    ref = st.accreditations.get(key)
    if ref is None:
        accreditor = ctx.get(Body, found.accreditor)
        scope = [f"schemes {', '.join(sorted(found.schemes))}"]
        if found.categories:
            scope.append(f"categories {', '.join(sorted(found.categories))}")
        if found.standards:
            scope.append(f"standards {', '.join(sorted(found.standards))}")
        ref = st.accreditations[key] = dcc.AccreditationRef(
            id=f"{_base(ctx.settings)}/api/accreditations/{quote(found.number, safe='')}",
            number=found.number,
            scope=f"ISO/IEC 17065 accreditation of {issuer_id}: " + "; ".join(scope),
            body=_body_party(ctx, accreditor.id),
            iaf_mla_signatory=_GLOBAL_MRA[0] in accreditor.signatories,
            ilac_mra_signatory=_GLOBAL_MRA[1] in accreditor.signatories,
        )
    return ref


def _party(ctx: IssuingContext, kind: str, data: dict[str, Any]) -> dcc.Party:
    name, economy = data["name"], data.get("economy", "")
    key = (kind, name, economy, data.get("name_zh"), data.get("address"))
    holders = _state(ctx).holders
    p = holders.get(key)
    if p is None:  # a batch usually repeats its holders and makers
        details = [d for d in key[3:] if d] + ([economy] if economy else [])
        p = holders[key] = dcc.Party(
            f"urn:certpass:{kind}:{quote(economy, safe='')}:{quote(name, safe='')}", name,
            description="; ".join(details) or None)
    return p


def _list_url(ctx: IssuingContext, body_id: str, purpose: str, list_id: int) -> str:
    urls = _state(ctx).list_urls
    key = (body_id, purpose, list_id)
    url = urls.get(key)
    if url is None:
        url = urls[key] = status.list_url(ctx.settings, body_id, purpose, list_id)
    return url


def _aka(ctx: IssuingContext, issuer: Body) -> dcc.Party:
    """The issuer's Chinese name, as an issuerAlsoKnownAs party."""
    parties = _state(ctx).parties
    key = "aka:" + issuer.id
    p = parties.get(key)
    if p is None:
        p = parties[key] = dcc.Party(
            f"{_base(ctx.settings)}/api/bodies/{quote(issuer.id, safe='')}", issuer.name_zh)
    return p


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def attestation(ctx: IssuingContext, certificate: Row, issue: Row,
                slots: dict[str, tuple[int, int]]) -> dcc.AttestationInput:
    """The DCC input for one issue (its row) of a certificate (its row)."""
    settings = ctx.settings
    number, issuer_id, issue_no = certificate["number"], certificate["issuer_id"], issue["issue_no"]
    quoted = quote(number, safe="")
    scheme, regulation = scheme_reference(ctx, certificate["scheme_code"])
    issuer = ctx.get(Body, issuer_id)
    aka = (_aka(ctx, issuer),) if issuer.name_zh else ()
    products = tuple(
        dcc.Product(
            name=f"{p['name']} ({p['name_zh']})" if p.get("name_zh") else p["name"],
            models=tuple(p.get("models") or ()), trademark=p.get("trademark") or None,
            hs_code=p.get("hs_code") or None, ratings=p.get("ratings") or None,
        )
        for p in issue["products"]
    )
    factories = tuple(dcc.Factory(f["name"], f["economy"], f.get("address") or None)
                      for f in issue["factories"])
    maker = issue["manufacturer"]
    described = dcc.language_descriptions(
        _names(issue["holder"]), [_names(p) for p in issue["products"]],
        _names(maker) if maker else None)
    base = _base(settings)
    return dcc.AttestationInput(
        # Numbers are unique per issuer, so the issuer is part of every identifier.
        credential_id=(f"{base}/api/certificates/{quoted}/credential"
                       f"?issuer={quote(issuer_id, safe='')}&issue={issue_no}"),
        certificate_url=(f"{base}/api/certificates/{quoted}/issues/{issue_no}"
                         f"?issuer={quote(issuer_id, safe='')}"),
        certificate_number=number,
        issue_number=issue_no,
        scheme=scheme,
        issuer=_body_party(ctx, issuer_id),
        issuer_also_known_as=aka,
        holder=_party(ctx, "holder", issue["holder"]),
        manufacturer=(_party(ctx, "manufacturer", issue["manufacturer"])
                      if issue["manufacturer"] else None),
        products=products,
        factories=factories,
        standards=tuple(standard_reference(ctx, ref) for ref in issue["standards"]),
        regulation=regulation,
        accreditation=_accreditation(ctx, certificate, issue),
        valid_from=_midnight(issue["issued_on"]),
        valid_until=_midnight(issue["valid_until"]) if issue["valid_until"] else None,
        assessment_date=issue["issued_on"],
        attestation_type=_ATTESTATION_TYPES.get(certificate["kind"], "certification"),
        status=tuple(
            dcc.StatusRef(_list_url(ctx, issuer_id, p, slots[p][0]), slots[p][1], p)
            for p in status.PURPOSES
        ),
        credential_description=described,
    )


def _names(row: Row) -> dcc.Names:
    """A party's or product's names as an issue stores them (`names` absent: none)."""
    return dcc.Names(row["name"], row.get("name_zh") or "",
                     tuple(sorted((row.get("names") or {}).items())))


# --- the hooks the certificate service calls ----------------------------------------------


def jwt(settings: Settings, row: IssuedCredential, untp: str = UNTP_STORED) -> str:
    """The VC-JOSE JWT of a stored credential: its unsigned document (in the UNTP version
    asked for) signed by the key that signed its proof. Ed25519 signatures are
    deterministic, so this is the same token every time it is asked for."""
    unsigned = row.signed_document()
    vm = unsigned.pop("proof")["verificationMethod"]
    return jose.sign(in_version(unsigned, untp), _key_pair(settings, row), vm)


def on_issue(ctx: IssuingContext, certificate: Row, issue: Row) -> dict[str, str]:
    """Sign and store the credential of a certificate issue (the certificate's and the
    issue's rows); returns the documents for its log entry: {"credential": "sha256:<hex>"}."""
    session = ctx.session
    slots = status.allocate(session, ctx.settings, certificate["id"], certificate["issuer_id"],
                            first_issue=issue["issue_no"] == 0)
    unsigned = dcc.build_dcc(attestation(ctx, certificate, issue, slots))
    # Checked once here, so the verifier need not repeat it for this registered issue.
    validation.ensure_registrable(unsigned, schemas.UNTP_DCC, f"the credential of "
                                  f"certificate {certificate['number']}")
    signer = _signer(ctx, certificate["issuer_id"])
    now = utcnow()
    document = canonicalize(proofs.sign(unsigned, signer.pair, signer.verification_method,
                                        proofs.JCS, now))
    digest = hashlib.sha256(document).hexdigest()
    pending.add(session, IssuedCredential.__table__, {
        "certificate_id": certificate["id"], "issue_no": issue["issue_no"],
        "key_id": signer.row.id, "document": document, "sha256": digest,
        "created_at": now,
    })
    return {"credential": f"sha256:{digest}"}


def on_status_change(ctx: IssuingContext, certificate: Certificate, before: str,
                     after: str) -> None:
    status.apply_transition(ctx.session, certificate, before, after)


# --- reading ------------------------------------------------------------------------------


def stored(session: Session, certificate: Certificate, issue_no: int | None = None
           ) -> IssuedCredential:
    """The stored credential of an issue (the current one by default)."""
    n = certificate.current_issue if issue_no is None else issue_no
    row = session.scalar(select(IssuedCredential).where(
        IssuedCredential.certificate_id == certificate.id, IssuedCredential.issue_no == n))
    if row is None:
        issues = sorted(i.issue_no for i in certificate.issues)
        raise NotFound(
            f"certificate {certificate.number} has no credential for issue {n}",
            hint=f"its issues are {', '.join(map(str, issues))}",
            details={"number": certificate.number, "issue": n},
        )
    return row


def issuer_by_hash(session: Session, number: str, sha256_hex: str) -> str | None:
    """The issuer of the certificate `number` one of whose issues has this credential hash
    (what a QR code carries): it tells apart two issuers holding the number."""
    return session.scalar(
        select(Certificate.issuer_id).join(IssuedCredential,
                                           IssuedCredential.certificate_id == Certificate.id)
        .where(Certificate.number == number, IssuedCredential.sha256 == sha256_hex).limit(1))


def in_version(unsigned: dict[str, Any], untp: str) -> dict[str, Any]:
    """A stored (0.6.1) credential's unsigned document in the UNTP version asked for."""
    if untp == UNTP_STORED:
        return unsigned
    if untp == dcc070.VERSION:
        return dcc070.from_061(unsigned)
    raise InvalidInput(f"unknown UNTP version {untp!r}",
                       hint=f"use one of {', '.join(UNTP_VERSIONS)}")


def resigned(session: Session, settings: Settings, row: IssuedCredential,
             suite: str, untp: str = UNTP_STORED) -> dict[str, Any]:
    """The stored credential's unsigned document, in the UNTP version asked for, signed with
    `suite` by the same key and with the same proof `created` as the stored proof."""
    signed = row.signed_document()
    if suite == proofs.JCS and untp == UNTP_STORED:
        return signed
    if suite not in proofs.SUITES:
        raise InvalidInput(f"unknown cryptosuite {suite!r}",
                           hint=f"use one of {', '.join(proofs.SUITES)}")
    proof = signed.pop("proof")
    return proofs.sign(in_version(signed, untp), _key_pair(settings, row),
                       proof["verificationMethod"], suite, proof["created"])


def _key_pair(settings: Settings, row: IssuedCredential) -> Ed25519KeyPair:
    """The key that signed a stored credential (retired or not)."""
    key = row.key
    return Ed25519KeyPair(keyring.unseal(key.sealed_seed, key.body_id, key.fragment,
                                         settings.secret_key))


# --- VC-API issuer ------------------------------------------------------------------------


class ConformityOutsideLifecycle(InvalidInput):
    code = "conformity-credential-needs-certificate"


def _vc_api_signer(actor: Actor) -> str | None:
    """Whose key signs a caller's credential: a certification body's own, or the platform's
    (body None) for an administrator or the local operator. Nobody else may sign: the
    signature is the platform's or a body's word."""
    if actor.role == "certification-body" and actor.body_id:
        return actor.body_id
    if actor.role in ("admin", "operator"):
        return None
    raise Forbidden("only a certification body (its own key) or an administrator (the "
                    "platform key) may sign credentials",
                    hint="use a write token of a certification body's user or an administrator")


def issue_unsigned(session: Session, settings: Settings, request: Any, actor: Actor
                   ) -> dict[str, Any]:
    """Sign a caller's credential as the W3C VC-API `/credentials/issue` does, given its
    request body {"credential": {...}, "options": {...}}: with a certification body's key for
    its own users, the platform key for an administrator. Returns the signed credential."""
    body_id = _vc_api_signer(actor)  # refuse before looking at the input
    try:
        parsed = vc_api.IssueRequest.model_validate(request)
    except ValidationError as exc:
        raise InvalidInput(vc_api.problem(exc),
                           hint='send {"credential": {...}, "options": {...}}') from None
    credential, options = parsed.credential, parsed.options
    suite = options.cryptosuite
    if "proof" in credential:
        raise InvalidInput("the credential already has a proof",
                           hint="send the unsigned credential")
    types = credential.get("type")
    if isinstance(types, list) and "DigitalConformityCredential" in types:
        raise ConformityOutsideLifecycle(
            "a conformity credential (DigitalConformityCredential) is not signed through the "
            "VC-API: it would be a certificate nobody registered, logged or can revoke",
            hint="issue the certificate instead (POST /api/certificates, `certpass "
                 "certificates issue` or the portal): its passport is signed, logged and "
                 "given a status entry there, and downloaded from "
                 "/api/certificates/{number}/credential")
    unsigned = dict(credential)
    own = keyring.did(settings, body_id)
    if "issuer" not in unsigned:
        unsigned["issuer"] = own
    validation.ensure_valid(unsigned)  # the VC 2.0 data model, for every cryptosuite
    issuer = unsigned["issuer"]
    if (issuer.get("id") if isinstance(issuer, dict) else issuer) != own:
        raise InvalidInput(f"this issuer signs as {own}, not {issuer!r}",
                           hint="set `issuer` to the issuer's DID (or leave it out)")
    created: str | dt.datetime = options.created or utcnow()
    if isinstance(created, str) and parse_datetime(created) is None:
        raise InvalidInput("options.created must be a dateTime such as 2025-01-01T00:00:00Z")
    signer = keyring.signer(session, settings, body_id)
    try:
        return proofs.sign(unsigned, signer.pair, signer.verification_method, suite, created)
    except proofs.ProofFailure as exc:
        raise InvalidInput(f"the credential cannot be signed: {exc.message}",
                           hint="check its @context and terms") from None
    except ValueError:
        raise InvalidInput("the credential cannot be signed: it has no canonical form",
                           hint="numbers must be within ±2^53, text valid Unicode") from None


