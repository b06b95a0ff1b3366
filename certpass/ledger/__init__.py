"""Transparency log: RFC 9162 Merkle math, C2SP signed notes, tiles, receipts, storage, monitor.

Pure modules (``merkle``, ``note``, ``tiles``, ``receipt``) do no I/O; ``service`` is the
only writer of the log's tables.
"""
