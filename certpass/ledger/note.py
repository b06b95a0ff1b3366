"""C2SP signed notes (Ed25519) and tlog-checkpoint bodies (pure: no I/O).

Specs: https://c2sp.org/signed-note and https://c2sp.org/tlog-checkpoint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from certpass.ledger.errors import InvalidNote

ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name) and name.isprintable()


def decode_base64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidNote(f"{what} is not valid base64") from exc


@dataclass(frozen=True)
class Verifier:
    """A note verifier key: ``name+hex(key id)+base64(0x01 || Ed25519 public key)``."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        blob = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]):
            raise InvalidNote("verifier key must be name+keyid+key")
        name, hex_id, blob = parts
        raw = decode_base64(blob, "verifier key")
        if len(raw) != 33 or raw[0] != ED25519:
            raise InvalidNote("verifier key is not an Ed25519 key")
        verifier = cls(name, raw[1:])
        if len(hex_id) != 8 or hex_id.lower() != hex_id or verifier.key_id.hex() != hex_id:
            raise InvalidNote("verifier key id does not match its name and key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            VerifyKey(self.public_key).verify(message, signature)
        except (BadSignatureError, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A note signing key; ``seed`` is the 32-byte Ed25519 private seed. Never serialised."""

    name: str
    seed: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not _valid_name(name):
            raise InvalidNote(f"key name {name!r} may not contain spaces or '+'")
        return cls(name, bytes(SigningKey.generate()))

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """Read Go's ``PRIVATE+KEY+name+keyid+base64(0x01 || seed)`` form (for test vectors)."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _valid_name(parts[2]):
            raise InvalidNote("signer key must be PRIVATE+KEY+name+keyid+key")
        raw = decode_base64(parts[4], "signer key")
        if len(raw) != 33 or raw[0] != ED25519:
            raise InvalidNote("signer key is not an Ed25519 key")
        signer = cls(parts[2], raw[1:])
        if signer.verifier.key_id.hex() != parts[3]:
            raise InvalidNote("signer key id does not match its name and key")
        return signer

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, bytes(SigningKey(self.seed).verify_key))

    def sign(self, text: str) -> str:
        """The signed note: text, a blank line, one signature line."""
        body = _check_text(text).encode()
        sig = SigningKey(self.seed).sign(body).signature
        blob = base64.b64encode(self.verifier.key_id + sig).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {blob}\n"


def _check_text(text: str) -> str:
    if not text.endswith("\n") or "\n\n" in text or text.startswith("\n"):
        raise InvalidNote("note text must be non-empty lines each ending in a newline")
    if any(c < " " and c != "\n" for c in text):
        raise InvalidNote("note text may not contain control characters")
    return text


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """Text and signature lines of a signed note; raises ``InvalidNote`` when malformed."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise InvalidNote("malformed note: no blank line before the signatures")
    text = _check_text(note[: cut + 1])
    sigs = []
    for line in note[cut + 2 : -1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise InvalidNote("malformed note: signature line must start with an em dash")
        name, _, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not _valid_name(name) or " " in blob:
            raise InvalidNote("malformed note: bad signature line")
        raw = decode_base64(blob, "signature")
        if len(raw) < 5:
            raise InvalidNote("malformed note: signature too short")
        sigs.append(Signature(name, raw[:4], raw[4:]))
    if len(sigs) > MAX_SIGNATURES:
        raise InvalidNote("malformed note: too many signatures")
    return text, sigs


def open_note(note: str, verifier: Verifier) -> str:
    """The note's text if ``verifier`` signed it; other signatures are ignored (witnesses)."""
    text, sigs = split_note(note)
    mine = [s for s in sigs if s.name == verifier.name and s.key_id == verifier.key_id]
    if not mine:
        raise InvalidNote(
            f"note carries no signature by key {verifier.name}+{verifier.key_id.hex()}",
            hint="check that you use this log's verifier key (GET /log/key)",
        )
    for sig in mine:
        if not verifier.verify(text.encode(), sig.signature):
            raise InvalidNote(f"invalid signature for key {verifier.name}")
    return text


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint body: origin, tree size, root hash, optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse_body(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise InvalidNote("checkpoint must have origin, size and root lines")
        origin, size_text, root_text, *extensions = lines[:-1]
        if (
            not size_text.isascii()
            or not size_text.isdigit()
            or (len(size_text) > 1 and size_text[0] == "0")
        ):
            raise InvalidNote("checkpoint tree size is not a decimal number")
        root = decode_base64(root_text, "checkpoint root hash")
        if len(root) != 32:
            raise InvalidNote("checkpoint root hash is not 32 bytes")
        if any(not line for line in extensions):
            raise InvalidNote("checkpoint extension lines may not be empty")
        return cls(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    return signer.sign(checkpoint.body())


def open_checkpoint(note: str, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint and return its body; the origin must be the expected one."""
    checkpoint = Checkpoint.parse_body(open_note(note, verifier))
    expected = verifier.name if origin is None else origin
    if checkpoint.origin != expected:
        raise InvalidNote(
            f"checkpoint is for log {checkpoint.origin!r}, expected {expected!r}",
            hint="a checkpoint from another log proves nothing about this one",
        )
    return checkpoint
