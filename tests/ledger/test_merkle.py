"""RFC 9162 Merkle math: known answers, an independent implementation, tampered proofs."""

from __future__ import annotations

import random

import pytest
from pymerkle import InmemoryTree  # independent RFC 9162 implementation (roots, paths)

from certpass.ledger import merkle
from certpass.ledger.errors import BadLogRequest, InvalidProof

# Known answers from transparency-dev/merkle (proof/verify_test.go), RFC 6962 test tree.
LEAVES = [bytes.fromhex(h) for h in
          ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
           "606162636465666768696a6b6c6d6e6f"]]  # fmt: skip
ROOTS = [bytes.fromhex(h) for h in [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]]  # fmt: skip
INCLUSION = [  # (leaf index, tree size, proof)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [  # (size1, size2, proof)
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def stored(leaf_hashes: list[bytes]) -> merkle.HashAt:
    table = merkle.subtree_hashes(leaf_hashes)
    return lambda level, index: table[(level, index)]


def leaves_of(n: int, seed: int = 0) -> list[bytes]:
    rnd = random.Random(seed)
    return [rnd.randbytes(rnd.randrange(0, 40)) for _ in range(n)]


def reference_mth(hashes: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 written literally (recursive), independent of merkle.root."""
    if not hashes:
        return merkle.EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return merkle.node_hash(reference_mth(hashes[:k]), reference_mth(hashes[k:]))


def reference_subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF written literally."""
    if m == len(d):
        return [] if whole else [reference_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*reference_subproof(m, d[:k], whole), reference_mth(d[k:])]
    return [*reference_subproof(m - k, d[k:], False), reference_mth(d[:k])]


def pymerkle_tree(data: list[bytes]) -> InmemoryTree:
    tree = InmemoryTree(algorithm="sha256")  # security mode on: 0x00 / 0x01 prefixes
    for item in data:
        tree.append_entry(item)
    return tree


def test_known_roots() -> None:
    hashes = [merkle.leaf_hash(x) for x in LEAVES]
    assert merkle.root([]) == merkle.EMPTY_ROOT
    assert merkle.EMPTY_ROOT.hex().startswith("e3b0c442")
    for n in range(1, 9):
        assert merkle.root(hashes[:n]) == ROOTS[n - 1]
        assert merkle.tree_root(n, stored(hashes[:n])) == ROOTS[n - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_known_inclusion_proofs(index: int, size: int, proof: list[str]) -> None:
    hashes = [merkle.leaf_hash(x) for x in LEAVES[:size]]
    want = [bytes.fromhex(h) for h in proof]
    assert merkle.inclusion_proof(index, size, stored(hashes)) == want
    merkle.verify_inclusion(hashes[index], index, size, want, ROOTS[size - 1])


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_known_consistency_proofs(size1: int, size2: int, proof: list[str]) -> None:
    hashes = [merkle.leaf_hash(x) for x in LEAVES[:size2]]
    want = [bytes.fromhex(h) for h in proof]
    assert merkle.consistency_proof(size1, size2, stored(hashes)) == want
    merkle.verify_consistency(size1, size2, want, ROOTS[size1 - 1], ROOTS[size2 - 1])


SIZES = [*range(65), 100, 255, 256, 257, 1000, random.Random(7).randrange(1025, 3000)]


@pytest.mark.parametrize("size", SIZES)
def test_against_pymerkle(size: int) -> None:
    data = leaves_of(size, seed=size)
    hashes = [merkle.leaf_hash(x) for x in data]
    hash_at = stored(hashes)
    root = merkle.tree_root(size, hash_at)
    assert root == merkle.root(hashes) == reference_mth(hashes)
    if size == 0:
        return
    tree = pymerkle_tree(data)
    assert tree.get_root(size) == root
    indexes = range(size) if size <= 64 else random.Random(size).sample(range(size), 40)
    for i in indexes:
        proof = merkle.inclusion_proof(i, size, hash_at)
        # pymerkle's path is [leaf hash, siblings leaf side first]; indexes count from 1.
        assert [bytes(h) for h in tree.prove_inclusion(i + 1, size).path[1:]] == proof
        merkle.verify_inclusion(hashes[i], i, size, proof, root)
    firsts = range(size + 1) if size <= 64 else random.Random(size).sample(range(size + 1), 40)
    for m in firsts:
        proof = merkle.consistency_proof(m, size, hash_at)
        if 0 < m < size:
            assert proof == reference_subproof(m, hashes, True)
        old_root = tree.get_root(m) if m else merkle.EMPTY_ROOT
        merkle.verify_consistency(m, size, proof, old_root, root)


def flipped(proof: list[bytes], i: int) -> list[bytes]:
    out = list(proof)
    out[i] = bytes([out[i][0] ^ 8]) + out[i][1:]
    return out


# Not "size + 1": RFC 9162 proofs bind the size only through the root, and some trees of
# neighbouring sizes share a proof shape; the signed checkpoint pins size and root together.
def inclusion_tamperings(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes):
    yield "index - 1", (leaf, index - 1, size, proof, root)
    yield "index + 1", (leaf, index + 1, size, proof, root)
    yield "index ^ 2", (leaf, index ^ 2, size, proof, root)
    yield "size * 2", (leaf, index, size * 2, proof, root)
    yield "size / 2", (leaf, index, size // 2, proof, root)
    yield "wrong leaf", (merkle.leaf_hash(b"wrong"), index, size, proof, root)
    yield "empty root", (leaf, index, size, proof, merkle.EMPTY_ROOT)
    yield "random root", (leaf, index, size, proof, SOME_HASH)
    yield "short root", (leaf, index, size, proof, root[:31])
    yield "trailing root", (leaf, index, size, [*proof, root], root)
    yield "trailing garbage", (leaf, index, size, [*proof, b""], root)
    yield "preceding root", (leaf, index, size, [root, *proof], root)
    for i in range(len(proof)):
        yield f"flip {i}", (leaf, index, size, flipped(proof, i), root)
    if proof:
        yield "truncated hash", (leaf, index, size, [p[:16] for p in proof], root)
        yield "missing last", (leaf, index, size, proof[:-1], root)
        yield "missing first", (leaf, index, size, proof[1:], root)
    if len(proof) > 1:
        yield "inserted", (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root)
        yield "swapped", (leaf, index, size, [proof[1], proof[0], *proof[2:]], root)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64, 100])
def test_tampered_inclusion_proofs_rejected(size: int) -> None:
    hashes = [merkle.leaf_hash(x) for x in leaves_of(size, seed=size)]
    hash_at = stored(hashes)
    root = merkle.tree_root(size, hash_at)
    for index in {0, size // 2, size - 1}:
        proof = merkle.inclusion_proof(index, size, hash_at)
        merkle.verify_inclusion(hashes[index], index, size, proof, root)
        for desc, args in inclusion_tamperings(index, size, proof, root, hashes[index]):
            if desc in {"size / 2", "index ^ 2"} and _still_valid(args, hashes):
                continue  # the same proof can honestly be valid for another position
            with pytest.raises(InvalidProof):
                merkle.verify_inclusion(*args)
                pytest.fail(desc)


def _still_valid(args, hashes) -> bool:
    leaf, index, size, proof, root = args
    return (
        0 <= index < size <= len(hashes)
        and hashes[index] == leaf
        and merkle.root(hashes[:size]) == root
        and proof == merkle.inclusion_proof(index, size, stored(hashes))
    )


def consistency_tamperings(size1: int, size2: int, proof, root1: bytes, root2: bytes):
    yield "size1 - 1", (size1 - 1, size2, proof, root1, root2)
    yield "size1 + 1", (size1 + 1, size2, proof, root1, root2)
    yield "size1 ^ 2", (size1 ^ 2, size2, proof, root1, root2)
    yield "size2 * 2", (size1, size2 * 2, proof, root1, root2)
    yield "size2 / 2", (size1, size2 // 2, proof, root1, root2)
    yield "wrong root1", (size1, size2, proof, SOME_HASH, root2)
    yield "wrong root2", (size1, size2, proof, root1, SOME_HASH)
    yield "swapped roots", (size1, size2, proof, root2, root1)
    yield "empty proof", (size1, size2, [], root1, root2)
    yield "trailing root1", (size1, size2, [*proof, root1], root1, root2)
    yield "trailing root2", (size1, size2, [*proof, root2], root1, root2)
    yield "trailing garbage", (size1, size2, [*proof, b""], root1, root2)
    yield "preceding root1", (size1, size2, [root1, *proof], root1, root2)
    yield "preceding proof[0]", (size1, size2, [proof[0], *proof], root1, root2)
    yield "truncated", (size1, size2, proof[:-1], root1, root2)
    yield "missing first", (size1, size2, proof[1:], root1, root2)
    yield "short hash", (size1, size2, [p[:31] for p in proof], root1, root2)
    for i in range(len(proof)):
        yield f"flip {i}", (size1, size2, flipped(proof, i), root1, root2)


@pytest.mark.parametrize(("size1", "size2"), [(1, 2), (1, 8), (2, 5), (3, 7), (4, 9), (6, 8),
                                              (7, 64), (13, 100), (64, 65), (33, 257)])  # fmt: skip
def test_tampered_consistency_proofs_rejected(size1: int, size2: int) -> None:
    hashes = [merkle.leaf_hash(x) for x in leaves_of(size2 * 2, seed=size2)]
    roots = [merkle.root(hashes[:n]) for n in range(size2 * 2 + 1)]
    proof = merkle.consistency_proof(size1, size2, stored(hashes[:size2]))
    merkle.verify_consistency(size1, size2, proof, roots[size1], roots[size2])
    for desc, args in consistency_tamperings(size1, size2, proof, roots[size1], roots[size2]):
        s1, s2, p, r1, r2 = args
        honest = (
            0 <= s1 <= s2 <= len(hashes)
            and (r1, r2) == (roots[s1], roots[s2])
            and p == merkle.consistency_proof(s1, s2, stored(hashes[:s2]))
        )
        if honest:
            continue  # e.g. size1 ^ 2 can name a pair with the very same proof
        with pytest.raises(InvalidProof):
            merkle.verify_consistency(*args)
            pytest.fail(desc)


def test_edge_cases() -> None:
    h = merkle.leaf_hash(b"data")
    merkle.verify_inclusion(h, 0, 1, [], h)
    for index, size in [(0, 0), (1, 1), (2, 1)]:
        with pytest.raises(InvalidProof):
            merkle.verify_inclusion(h, index, size, [], h)
    merkle.verify_consistency(0, 0, [], SOME_HASH, SOME_HASH)
    merkle.verify_consistency(0, 5, [], SOME_HASH, h)
    merkle.verify_consistency(3, 3, [], h, h)
    bad = [(3, 3, [], h, SOME_HASH), (3, 3, [h], h, h), (0, 1, [h], h, h), (2, 1, [], h, h),
           (1, 2, [], h, SOME_HASH)]  # fmt: skip
    for args in bad:
        with pytest.raises(InvalidProof):
            merkle.verify_consistency(*args)
    with pytest.raises(BadLogRequest):
        merkle.inclusion_proof(5, 5, lambda level, index: h)
    with pytest.raises(BadLogRequest):
        merkle.consistency_proof(6, 5, lambda level, index: h)


@pytest.mark.parametrize("size", [10_000_000, 2**40 + 12345])
def test_proofs_read_logarithmically_many_hashes(size: int) -> None:
    reads: list[tuple[int, int]] = []

    def hash_at(level: int, index: int) -> bytes:
        assert (index + 1) << level <= size, "read a subtree the tree does not have"
        reads.append((level, index))
        return SOME_HASH

    depth = size.bit_length()
    for index in (0, size // 3, size - 1):
        reads.clear()
        merkle.inclusion_proof(index, size, hash_at)
        assert len(reads) <= 2 * depth
    for m in (1, size // 3, size - 1):
        reads.clear()
        merkle.consistency_proof(m, size, hash_at)
        assert len(reads) <= 3 * depth
