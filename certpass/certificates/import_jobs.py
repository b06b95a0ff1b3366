"""Bulk upload jobs: their progress and report live in the database, so any server process
can show them and a restart loses nothing but the unfinished rows' work (an interrupted
upload is said to be so; uploading the file again finishes it, rows already issued being
reported as already present)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from certpass.certificates.models import ImportJob
from certpass.errors import NotFound
from certpass.store.base import utcnow
from certpass.store.database import Database

KEEP = 200  # finished jobs kept per user; older ones are forgotten
STALE = dt.timedelta(minutes=10)  # an unfinished job silent this long was interrupted
INTERRUPTED = ("the upload was interrupted (the server stopped); rows already issued stay "
               "issued: upload the file again to finish it")


def start(session: Session, owner: str, filename: str, total: int) -> ImportJob:
    job = ImportJob(id=secrets.token_urlsafe(12), owner=owner, filename=filename[:200],
                    total=total, done=0, finished=False, error="")
    session.add(job)
    _forget_old(session, owner)
    return job


def _forget_old(session: Session, owner: str) -> None:
    old = session.scalars(select(ImportJob.id).where(ImportJob.owner == owner,
                                                     ImportJob.finished.is_(True))
                          .order_by(ImportJob.started_at.desc()).offset(KEEP)).all()
    if old:
        session.execute(delete(ImportJob).where(ImportJob.id.in_(old)))


def progress(db: Database, job_id: str, done: int) -> None:
    with db.write() as session:
        job = session.get(ImportJob, job_id)
        if job is not None:
            job.done, job.updated_at = done, utcnow()


def finish(db: Database, job_id: str, *, report: dict[str, Any] | None = None,
           error: str = "") -> None:
    with db.write() as session:
        job = session.get(ImportJob, job_id)
        if job is not None:
            job.report, job.error = report, error
            job.done, job.finished, job.updated_at = job.total, True, utcnow()


def get(session: Session, job_id: str, owner: str) -> ImportJob:
    """The owner's job; an unfinished one that stopped reporting is shown as interrupted."""
    job = session.get(ImportJob, job_id)
    if job is None or job.owner != owner:
        raise NotFound("no such upload", hint="start the upload again from the portal")
    if not job.finished and utcnow() - job.updated_at > STALE:
        session.expunge(job)  # shown as interrupted, not written by a read
        job.finished, job.error = True, INTERRUPTED
    return job
