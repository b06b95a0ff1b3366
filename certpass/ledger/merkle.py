"""RFC 9162 Merkle tree hashing and proofs (pure: no I/O).

Stored trees are addressed by *complete aligned subtrees*: ``hash_at(level, index)`` is
the hash of leaves ``[index * 2**level, (index + 1) * 2**level)``. Every node of an
RFC 9162 tree is either such a subtree or a right-edge node made of O(log n) of them,
so roots and proofs read O(log n) stored hashes whatever the tree size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from certpass.ledger.errors import BadLogRequest, InvalidProof

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

HashAt = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(width: int) -> int:
    """Largest power of two strictly below ``width`` (RFC 9162's k), for width >= 2."""
    return 1 << ((width - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of a whole list of leaf hashes (for small trees and cross-checks)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    # Pairing left to right and carrying an odd last node up is exactly RFC 9162's
    # "largest power of two" split, done bottom-up.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def complete_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """(level, index) of the aligned complete subtrees covering ``[start, end)``, left first.

    ``start`` must be the start of an RFC 9162 node, i.e. aligned to the largest power
    of two not above ``end - start``; then the pieces are the binary digits of the width.
    """
    out = []
    while start < end:
        level = (end - start).bit_length() - 1
        out.append((level, start >> level))
        start += 1 << level
    return out


def range_hash(start: int, end: int, hash_at: HashAt) -> bytes:
    """MTH(D[start:end]) for an RFC 9162 node, from O(log n) stored subtree hashes."""
    if start == end:
        return EMPTY_ROOT
    pieces = [hash_at(level, index) for level, index in complete_subtrees(start, end)]
    acc = pieces[-1]
    for piece in reversed(pieces[:-1]):
        acc = node_hash(piece, acc)
    return acc


def tree_root(size: int, hash_at: HashAt) -> bytes:
    return range_hash(0, size, hash_at)


def inclusion_proof(index: int, size: int, hash_at: HashAt) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, leaf side first."""
    if not 0 <= index < size:
        raise BadLogRequest(
            f"no leaf {index} in a tree of size {size}", hint="index must be below size"
        )
    path = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(range_hash(start + k, end, hash_at))
            end = start + k
        else:
            path.append(range_hash(start, start + k, hash_at))
            start += k
    path.reverse()
    return path


def consistency_proof(size1: int, size2: int, hash_at: HashAt) -> list[bytes]:
    """PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1; empty when size1 is 0 or size2."""
    if not 0 <= size1 <= size2:
        raise BadLogRequest(
            f"no consistency proof from size {size1} to size {size2}",
            hint="need 0 <= from <= to <= current tree size",
        )
    if size1 in (0, size2):
        return []
    path = []
    start, end, m, whole = 0, size2, size1, True
    # SUBPROOF(m, D[start:end], whole), unrolled; collected top-down, returned bottom-up.
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append(range_hash(start + k, end, hash_at))
            end = start + k
        else:
            path.append(range_hash(start, start + k, hash_at))
            start, m, whole = start + k, m - k, False
    if not whole:
        path.append(range_hash(start, end, hash_at))
    path.reverse()
    return path


def _check_hashes(proof: Iterable[bytes], *roots: bytes) -> None:
    for h in (*proof, *roots):
        if not isinstance(h, bytes | bytearray) or len(h) != HASH_SIZE:
            raise InvalidProof("a proof hash or root is not 32 bytes")


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2; raises ``InvalidProof`` unless ``proof`` is exactly right."""
    _check_hashes(proof, leaf_hash, root)
    if not 0 <= index < size:
        raise InvalidProof(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise InvalidProof("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof("inclusion proof is too short")
    if r != root:
        raise InvalidProof("inclusion proof does not lead to the root")


def verify_consistency(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2; raises ``InvalidProof`` unless tree ``size2`` extends ``size1``."""
    _check_hashes(proof, root1, root2)
    if not 0 <= size1 <= size2:
        raise InvalidProof(f"a tree of size {size2} cannot extend one of size {size1}")
    if size1 == size2:
        if proof:
            raise InvalidProof("proof between equal sizes must be empty")
        if root1 != root2:
            raise InvalidProof("two different roots for the same tree size")
        return
    if size1 == 0:
        if proof:
            raise InvalidProof("proof from the empty tree must be empty")
        return
    if not proof:
        raise InvalidProof("consistency proof is empty")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root is a node of tree 2
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise InvalidProof("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof("consistency proof is too short")
    if fr != root1:
        raise InvalidProof("consistency proof does not lead to the first root")
    if sr != root2:
        raise InvalidProof("consistency proof does not lead to the second root")


def subtree_hashes(leaf_hashes: Sequence[bytes]) -> dict[tuple[int, int], bytes]:
    """Every complete aligned subtree hash of a list of leaves (for tests and rebuilds)."""
    out: dict[tuple[int, int], bytes] = {}
    level, row = 0, list(leaf_hashes)
    while row:
        for i, h in enumerate(row):
            out[(level, i)] = h
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level += 1
    return out
