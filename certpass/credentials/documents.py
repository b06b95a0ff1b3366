"""Offline JSON-LD document loading: bundled contexts and caller-supplied DID documents only.

Verification must never depend on the network (a DNS failure must not make a genuine
certificate look fake, and a remote context could change what a signature means), so any
URL not bundled here or handed in by the caller is an error, never a fetch.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from certpass.errors import CertpassError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
UNTP_DCC_061 = "https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/"
UNTP_DIA_061 = "https://test.uncefact.org/vocabulary/untp/dia/0.6.1/"
UNTP_070 = "https://vocabulary.uncefact.org/untp/0.7.0/context/"  # one context, every type

# URL -> file in certpass/credentials/contexts/ (see contexts/SOURCE for provenance).
BUNDLED_CONTEXTS: dict[str, str] = {
    VC_V2: "credentials-v2.jsonld",
    VC_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DID_V1: "did-v1.jsonld",
    STATUS_V1: "status-v1.jsonld",
    UNTP_DCC_061: "untp-dcc-0.6.1.jsonld",
    UNTP_DIA_061: "untp-dia-0.6.1.jsonld",
    UNTP_070: "untp-0.7.0.jsonld",
}

DocumentLoader = Callable[..., dict[str, Any]]


class DocumentNotAvailable(CertpassError):
    """A JSON-LD context or DID document that is neither bundled nor supplied."""

    code = "document-not-available"
    http_status = 422


def bundled_file(name: str) -> Any:
    """Parsed JSON of a file in contexts/ (contexts and JSON Schemas)."""
    return json.loads(_read(name))


@cache
def _read(name: str) -> str:
    return files("certpass.credentials").joinpath("contexts", name).read_text("utf-8")


def bundled_context(url: str) -> dict[str, Any]:
    name = BUNDLED_CONTEXTS.get(url)
    if name is None:
        raise DocumentNotAvailable(
            f"JSON-LD context {url!r} is not bundled with certpass",
            hint="certpass never fetches contexts over the network; "
            f"bundled: {', '.join(sorted(BUNDLED_CONTEXTS))}",
        )
    return bundled_file(name)


def offline_loader(documents: Mapping[str, Mapping[str, Any]] | None = None) -> DocumentLoader:
    """A pyld documentLoader serving bundled contexts plus `documents` (e.g. DID documents
    keyed by DID or URL). Fragments are ignored when looking up."""
    supplied = dict(documents or {})

    def load(url: str, options: Any = None) -> dict[str, Any]:
        base = url.split("#", 1)[0]
        if base in supplied:
            document: Any = copy.deepcopy(supplied[base])  # pyld may mutate what it gets
        elif base in BUNDLED_CONTEXTS:
            document = bundled_context(base)
        else:
            raise DocumentNotAvailable(
                f"document {url!r} is not available offline",
                hint="bundle the context in certpass/credentials/contexts or pass the "
                "document to offline_loader(); certpass never fetches over the network",
            )
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def missing_document(exc: BaseException | None) -> DocumentNotAvailable | None:
    """The DocumentNotAvailable behind a pyld error: pyld wraps loader errors several levels
    deep (in .cause and .details['cause'])."""
    current: Any = exc
    for _ in range(20):
        if current is None:
            return None
        if isinstance(current, DocumentNotAvailable):
            return current
        details = getattr(current, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        if isinstance(nested, DocumentNotAvailable):
            return nested
        current = getattr(current, "cause", None) or nested or current.__cause__
    return None
