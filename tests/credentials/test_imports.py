"""The offline verifier imports no database code, and imports flow down:
recognition → credentials → certificates, never back (not even inside a function)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "certpass"


def test_the_offline_verifier_and_the_bundle_import_no_database_code() -> None:
    code = ("import certpass.credentials.verifier, certpass.credentials.trust_source, sys; "
            "loaded = sorted(m for m in sys.modules if m.startswith('sqlalchemy')); "
            "assert not loaded, loaded")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def imported_packages(package: str) -> dict[str, set[str]]:
    """module path → the certpass packages it imports (top level or inside functions)."""
    out: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            names |= {m.split(".")[1] for m in modules
                      if m.startswith("certpass.") and m.count(".") >= 1}
        out[str(path.relative_to(ROOT))] = names
    return out


@pytest.mark.parametrize(("package", "forbidden"), [
    ("certificates", {"credentials", "recognition"}),
    ("credentials", {"recognition", "web", "cli"}),
])
def test_imports_flow_down(package: str, forbidden: set[str]) -> None:
    wrong = {path: sorted(names & forbidden)
             for path, names in imported_packages(package).items() if names & forbidden}
    assert wrong == {}
