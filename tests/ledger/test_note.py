"""C2SP signed notes and checkpoints: the published Go test vectors, wrong keys, bad input."""

from __future__ import annotations

import base64

import pytest

from certpass.ledger.errors import InvalidNote
from certpass.ledger.note import Checkpoint, Signer, Verifier, open_checkpoint, open_note
from certpass.ledger.note import sign_checkpoint as sign

# Test vectors of golang.org/x/mod/sumdb/note (note_test.go), the reference implementation.
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOT"
    "GwnWLox33WWd1RvMc+QQ=\n"
)


def test_go_sign_vector() -> None:
    signer = Signer.parse(PETER_SKEY)
    assert signer.verifier.vkey == PETER_VKEY
    assert signer.sign(TEXT) == TEXT + "\n" + PETER_SIG


def test_go_open_vectors() -> None:
    peter = Verifier.parse(PETER_VKEY)
    enoch = Verifier.parse(ENOCH_VKEY)
    assert peter.key_id.hex() == "c74f20a3"
    assert open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, peter) == TEXT
    assert open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, enoch) == TEXT
    with pytest.raises(InvalidNote, match="no signature"):
        open_note(TEXT + "\n" + PETER_SIG, enoch)
    broken = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidNote, match="invalid signature"):
        open_note(TEXT + "\n" + broken, peter)


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name"),
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("— ", "- "),
        TEXT + "\n" + PETER_SIG.replace("x08go", "x08g!"),
    ],
)
def test_malformed_notes_rejected(note: str) -> None:
    with pytest.raises(InvalidNote):
        open_note(note, Verifier.parse(PETER_VKEY))


def test_mangled_verifier_keys_rejected() -> None:
    key = PETER_VKEY
    bad = [key[1:], key[:-1], key + "A", key.replace("c74f20a3", "c74f20a4"),
           key.replace("Peter", "Petra"), key.replace("+ARpc", "+AZpc"),
           "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
           "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"]  # fmt: skip
    for k in bad:
        with pytest.raises(InvalidNote):
            Verifier.parse(k)


ROOT = bytes(range(32))


def test_checkpoint_round_trip() -> None:
    signer = Signer.generate("certpass.example/log")
    cp = Checkpoint("certpass.example/log", 42, ROOT, ("ext one",))
    note = sign(cp, signer)
    assert note.startswith("certpass.example/log\n42\n" + base64.b64encode(ROOT).decode() + "\n")
    assert open_checkpoint(note, Verifier.parse(signer.verifier.vkey)) == cp


def test_checkpoint_from_wrong_key_or_origin_rejected() -> None:
    signer = Signer.generate("certpass.example/log")
    note = sign(Checkpoint("certpass.example/log", 1, ROOT), signer)
    impostor = Signer.generate("certpass.example/log")
    with pytest.raises(InvalidNote):
        open_checkpoint(note, impostor.verifier)
    with pytest.raises(InvalidNote, match="expected"):
        open_checkpoint(note, signer.verifier, origin="other.example/log")
    # Signed by the right key, but for another log's origin line.
    other = sign(Checkpoint("other.example/log", 1, ROOT), signer)
    with pytest.raises(InvalidNote, match=r"other\.example"):
        open_checkpoint(other, signer.verifier)
    # A forged body under a genuine signature line.
    forged = note.replace("\n1\n", "\n2\n", 1)
    with pytest.raises(InvalidNote, match="invalid signature"):
        open_checkpoint(forged, signer.verifier)


@pytest.mark.parametrize(
    "body",
    ["o\n01\n" + base64.b64encode(ROOT).decode() + "\n", "o\n-1\nAAAA\n", "o\n1\n",
     "o\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n", "\n1\nAAAA\n",
     "o\n1\n" + base64.b64encode(ROOT).decode(),
     "o\nten\n" + base64.b64encode(ROOT).decode() + "\n"],
)  # fmt: skip
def test_malformed_checkpoint_bodies_rejected(body: str) -> None:
    with pytest.raises(InvalidNote):
        Checkpoint.parse_body(body)
