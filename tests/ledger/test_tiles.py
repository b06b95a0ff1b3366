"""C2SP tlog-tiles paths and contents."""

from __future__ import annotations

import pytest

from certpass.ledger.errors import BadLogRequest
from certpass.ledger.tiles import (
    ENTRIES,
    Tile,
    encode_index,
    entry_bundle,
    split_entry_bundle,
    tiles_for,
)


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067"),
     (10**9, "x001/x000/x000/000")],
)  # fmt: skip
def test_index_encoding(n: int, text: str) -> None:
    assert encode_index(n) == text


@pytest.mark.parametrize(
    ("path", "tile"),
    [("tile/0/000", Tile(0, 0)), ("tile/1/x001/x234/067", Tile(1, 1234067)),
     ("tile/0/x001/000.p/17", Tile(0, 1000, 17)),
     ("tile/entries/123.p/255", Tile(ENTRIES, 123, 255)),
     ("tile/entries/x004/567", Tile(ENTRIES, 4567)), ("tile/63/000", Tile(63, 0))],
)  # fmt: skip
def test_paths_round_trip(path: str, tile: Tile) -> None:
    assert Tile.parse(path) == tile
    assert tile.path() == path


@pytest.mark.parametrize(
    "path",
    ["tile/0/1", "tile/0/0001", "tile/0/x000/001", "tile/01/000", "tile/64/000",
     "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/007", "tile/0/001/002",
     "tile/data/000", "tile/0/000/", "/tile/0/000", "tile/-1/000", "tile/0/x12/345"],
)  # fmt: skip
def test_bad_paths_rejected(path: str) -> None:
    with pytest.raises(BadLogRequest):
        Tile.parse(path)


def test_tiles_for_size() -> None:
    assert tiles_for(0, 0) == []
    assert tiles_for(256, 0) == [Tile(0, 0)]
    assert tiles_for(300, 0) == [Tile(0, 0), Tile(0, 1, 44)]
    assert tiles_for(70000, 1) == [Tile(1, 0), Tile(1, 1, 17)]  # 70000 >> 8 = 273 nodes


def test_entry_bundles() -> None:
    entries = [b"", b"a", b"x" * 300]
    bundle = entry_bundle(entries)
    assert bundle[:2] == b"\x00\x00" and bundle[2:5] == b"\x00\x01a" and bundle[5:7] == b"\x01\x2c"
    assert split_entry_bundle(bundle) == entries
    with pytest.raises(BadLogRequest):
        split_entry_bundle(bundle[:-1])
    with pytest.raises(BadLogRequest):
        entry_bundle([b"x" * 70000])
