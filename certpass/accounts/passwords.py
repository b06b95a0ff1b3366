"""Password strength (pure; no I/O): long enough, not a well-known password, not the user
name, not one repeated character or a keyboard run.

The list below holds passwords of 10 or more characters that top the public breach
rankings; a password equal to one of them (ignoring case, digits and punctuation at the
ends) is refused. It is short on purpose: the length rule does most of the work."""

from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte password is a denial of service

_COMMON_WORDS = """
1234567890 0123456789 1q2w3e4r5t 1qaz2wsx3edc qwertyuiop asdfghjkl zxcvbnm
qwerty1234 qwertyuiop1 password password1 password12 password123 password1234 passw0rd
p@ssw0rd p@ssword iloveyou iloveyou1 princess1 football1 baseball1 welcome1 welcome123
sunshine1 superman1 trustno1 letmein123 abcdefghij abc1234567 abcd123456 qazwsxedc
qazwsxedcrfv 1q2w3e4r5t6y q1w2e3r4t5 zaq12wsx dragon1234 monkey1234 master1234
administrator admin12345 admin123456 changeme123 changeme secret1234 certpass
certpass123 certification 987654321 9876543210 1111111111 0000000000 1234512345
1234554321 123123123 123456789a a123456789 azertyuiop qwertz1234 passwort1 motdepasse
"""
COMMON = frozenset(_COMMON_WORDS.split())

_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def weakness(password: str, username: str = "") -> str | None:
    """Why the password is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password has at most {MAX_LENGTH} characters"
    folded = password.casefold()
    core = folded.strip("0123456789!@#$%^&*.?_- ")
    if folded in COMMON or core in COMMON:
        return "this password is one of the most common ones"
    name = username.casefold().strip()
    if name and (name in folded or folded in name):
        return "a password must not contain the user name"
    if len(set(folded)) <= 2:
        return "a password needs more than one or two different characters"
    if any(folded in run or folded in run[::-1] for run in _RUNS):
        return "a password must not be a keyboard or alphabet run"
    return None
