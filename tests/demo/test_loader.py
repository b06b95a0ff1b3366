"""The demo loads through the services, and the services accept every generated operation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from certpass.certificates.models import Certificate
from certpass.demo import loader
from certpass.demo.generate import generate
from certpass.projects.models import CooperationProject
from certpass.recognition.models import ArrangementRecord
from certpass.registry.models import Accreditation, Body, Economy, Standard
from certpass.store.database import Database
from tests.registry_fixture import SETTINGS


def test_registry_projects_arrangements_and_first_certificates_load(db: Database) -> None:
    with db.write() as session:
        assert loader.load_economies(session) == 253
    with db.write() as session:
        figures = loader.load_registry(session)
    with db.write() as session:
        assert loader.load_projects(session) >= 12
        assert loader.load_arrangements_file(session) >= 1
    ops = generate()[:300]
    done = loader.apply_operations(db, SETTINGS, ops)
    with db.read() as session:
        assert session.get(Economy, "HK").name_zh == "中国香港"
        assert session.scalar(select(func.count()).select_from(Body)) == figures["bodies"]
        gb = session.get(Standard, "GB 4706.1-2005")
        assert gb.adopts_ref == "IEC 60335-1:2001"
        suspended = session.scalars(select(Accreditation.number)
                                    .where(Accreditation.status == "suspended")).all()
        assert suspended == ["HKCAS 005-2023"]
        assert session.scalar(select(func.count()).select_from(Certificate)) == done["issue"]
        assert session.scalar(select(func.count()).select_from(CooperationProject)) >= 12
        assert session.scalar(select(func.count()).select_from(ArrangementRecord)) >= 1


@pytest.mark.slow
def test_whole_demo_loads(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        figures = loader.load_demo(db, SETTINGS)
        assert figures["certificates"] >= 1200
        with db.read() as session:
            statuses = dict(session.execute(
                select(Certificate.status, func.count()).group_by(Certificate.status)).all())
        assert {"valid", "suspended", "withdrawn", "cancelled"} <= set(statuses)
    finally:
        db.dispose()
