"""Every demo certificate issue's credential in its UNTP 0.7.0 form: valid against the 0.7.0
DCC schema, and mapped back exactly to the registered (0.6.1) credential."""

from __future__ import annotations

from sqlalchemy import select

from certpass.credentials import dcc070, schemas
from certpass.credentials.models import IssuedCredential
from tests.conftest import sqlite_copy


def test_every_demo_dcc_has_a_valid_070_form(demo_file, tmp_path):
    db = sqlite_copy(demo_file, tmp_path)
    problems: list[str] = []
    count = 0
    try:
        with db.read() as s:
            for row in s.scalars(select(IssuedCredential).order_by(IssuedCredential.id)):
                unsigned = row.signed_document()
                unsigned.pop("proof")
                c = dcc070.from_061(unsigned)
                count += 1
                if schemas.errors_against(c, schemas.UNTP_DCC_070):
                    problems.append(f"{c['id']}: {schemas.validate_dcc_070(c)[:3]}")
                elif dcc070.read_070(c) != unsigned:
                    problems.append(f"{c['id']}: does not map back")
    finally:
        db.dispose()
    assert count > 100
    assert problems == []
