"""certpass: quality certification as a verifiable passport for international trade."""

__version__ = "0.1.0"
