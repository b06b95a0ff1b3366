"""C2SP tlog-tiles paths and tile contents (pure: no I/O). Spec: https://c2sp.org/tlog-tiles.

A hash tile at level L, index N holds the tree nodes at tree level ``8 * L`` numbered
``256 * N`` upwards; an entry bundle holds entries ``256 * N`` upwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from certpass.ledger.errors import BadLogRequest

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
ENTRIES = -1  # level marker for entry bundles

_PATH = re.compile(r"tile/(entries|\d{1,2})/((?:x\d{3}/)*\d{3})(?:\.p/(\d{1,3}))?")


def encode_index(n: int) -> str:
    """``1234067`` → ``x001/x234/067``: three-digit groups, every one but the last with x."""
    if n < 0:
        raise ValueError("tile index must not be negative")
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


@dataclass(frozen=True)
class Tile:
    level: int  # tile level, or ENTRIES for an entry bundle
    index: int
    width: int = TILE_WIDTH  # < 256 for a partial tile

    @property
    def is_entries(self) -> bool:
        return self.level == ENTRIES

    def path(self) -> str:
        kind = "entries" if self.is_entries else str(self.level)
        suffix = f".p/{self.width}" if self.width < TILE_WIDTH else ""
        return f"tile/{kind}/{encode_index(self.index)}{suffix}"

    @property
    def first(self) -> int:
        """Index of the first node (at tree level 8 * level) or entry in this tile."""
        return self.index * TILE_WIDTH

    @classmethod
    def parse(cls, path: str) -> Tile:
        m = _PATH.fullmatch(path)
        if not m:
            raise BadLogRequest(
                f"not a tile path: {path!r}",
                hint="use tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>] (c2sp.org/tlog-tiles)",
            )
        kind, index_text, width_text = m.groups()
        index = int("".join(g.removeprefix("x") for g in index_text.split("/")))
        width = TILE_WIDTH if width_text is None else int(width_text)
        if width_text is not None and not 1 <= width < TILE_WIDTH:
            raise BadLogRequest(f"partial tile width must be 1..255, got {width}")
        level = ENTRIES if kind == "entries" else int(kind)
        if kind != "entries" and (level > 63 or kind != str(level)):
            raise BadLogRequest(f"tile level {kind!r} is not 0..63")
        tile = cls(level, index, width)
        if tile.path() != path:  # leading zeros, x000 groups, "01" levels
            raise BadLogRequest(f"tile path {path!r} is not in canonical form")
        return tile


def tiles_for(size: int, level: int) -> list[Tile]:
    """The tiles (full, then at most one partial) at a tile level for a tree of ``size``."""
    nodes = size >> (TILE_HEIGHT * level) if level >= 0 else size
    full, rest = divmod(nodes, TILE_WIDTH)
    out = [Tile(level, i) for i in range(full)]
    if rest:
        out.append(Tile(level, full, rest))
    return out


def hash_tile(hashes: list[bytes]) -> bytes:
    return b"".join(hashes)


def split_hash_tile(content: bytes) -> list[bytes]:
    if len(content) % 32:
        raise BadLogRequest("hash tile length is not a multiple of 32")
    return [content[i : i + 32] for i in range(0, len(content), 32)]


def entry_bundle(entries: list[bytes]) -> bytes:
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise BadLogRequest("log entries are at most 65535 bytes")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def split_entry_bundle(content: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(content):
        if pos + 2 > len(content):
            raise BadLogRequest("entry bundle is truncated")
        n = int.from_bytes(content[pos : pos + 2], "big")
        if pos + 2 + n > len(content):
            raise BadLogRequest("entry bundle is truncated")
        out.append(content[pos + 2 : pos + 2 + n])
        pos += 2 + n
    return out
