"""The accreditation body's workplace in the browser's terms: land there, grant, suspend,
withdraw (confirmed), every change logged; nobody else may touch its accreditations."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.ledger.models import LogEntry
from certpass.registry.models import Accreditation
from tests.web.pages.conftest import PASSWORD, csrf_of, sign_in

GRANT = {"number": "CNAS C999-P", "body_id": "lapsed-cb", "standard": "ISO/IEC 17065",
         "valid_from": "2025-01-01", "valid_until": "2030-01-01", "schemes": "CCC",
         "categories": "HOUS", "standards": "GB 4706.1-2005; IEC 60335-2-*"}


def _accreditor(page_db, name="cnas-officer", body="cnas"):
    with page_db.write() as s:
        accounts.add_user(s, name, "accreditation-body", body, PASSWORD, OPERATOR)
    return name


def _last_event(page_db) -> dict:
    """The newest accreditation entry (a first grant also logs the accreditor's new key)."""
    with page_db.read() as s:
        row = s.scalar(select(LogEntry).where(LogEntry.event_type.startswith("accreditation."))
                       .order_by(LogEntry.index.desc()))
        return json.loads(row.entry)


def test_grant_suspend_and_withdraw(web, page_db):
    sign_in_as = _accreditor(page_db)
    token_login = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"username": sign_in_as, "password": PASSWORD,
                                 "csrf_token": token_login, "next": "/portal"})
    assert r.status_code == 303
    r = web.get("/portal")
    assert r.status_code == 303 and r.headers["location"] == "/portal/accreditations"
    home = web.get("/portal/accreditations").text
    token = csrf_of(home)
    assert "CNAS-C001" in home or 'id="granted"' in home

    r = web.post("/portal/accreditations", data={**GRANT, "schemes": "", "csrf_token": token})
    assert r.status_code == 422 and 'id="err-schemes"' in r.text
    r = web.post("/portal/accreditations", data={**GRANT, "csrf_token": token})
    assert r.status_code == 303, r.text
    manage = r.headers["location"].split("?")[0]
    event = _last_event(page_db)
    assert event["type"] == "accreditation.granted"
    with page_db.read() as s:  # the accreditor's key came with its first grant
        assert s.scalar(select(LogEntry.event_type).order_by(LogEntry.index.desc())) == "key.added"
    assert event["accreditation"]["scope"]["standards"] == ["GB 4706.1-2005", "IEC 60335-2-*"]
    _lists_names_and_its_signed_credential(web, page_db, GRANT["number"])

    page = web.get(manage).text
    assert 'value="GB 4706.1-2005; IEC 60335-2-*"' in page  # the form starts from the scope
    r = web.post(f"{manage}/change", data={"status": "suspended", "reason": "",
                                           "csrf_token": token})
    assert r.status_code == 422 and 'id="err-reason"' in r.text
    r = web.post(f"{manage}/change", data={"status": "suspended", "reason": "surveillance",
                                           "csrf_token": token, "schemes": "CCC",
                                           "categories": "HOUS",
                                           "standards": "GB 4706.1-2005; IEC 60335-2-*"})
    assert r.status_code == 303, r.text
    assert _last_event(page_db)["type"] == "accreditation.suspended"
    r = web.post(f"{manage}/change", data={"status": "withdrawn", "reason": "fraud",
                                           "csrf_token": token})
    assert r.status_code == 422 and 'id="err-confirm"' in r.text
    r = web.post(f"{manage}/change", data={"status": "withdrawn", "reason": "fraud",
                                           "confirm": "yes", "csrf_token": token})
    assert r.status_code == 303
    with page_db.read() as s:
        acc = s.scalar(select(Accreditation).where(Accreditation.number == "CNAS C999-P"))
        assert acc.status == "withdrawn" and acc.scope["schemes"] == ["CCC"]
    assert 'id="no-actions"' in web.get(manage).text


def _lists_names_and_its_signed_credential(web, page_db, number: str) -> None:
    """The list names the accredited body (not its id) and links the accreditation's UNTP
    DIA, signed by the accreditation body: a file that verifies."""
    from certpass.credentials import verifier
    from certpass.credentials.trust import LiveTrust
    from certpass.registry.models import Body
    from tests.registry_fixture import SETTINGS

    home = web.get("/portal/accreditations").text
    with page_db.read() as s:
        body, me = s.get(Body, GRANT["body_id"]), s.get(Body, "cnas")
    row = re.search(r'<tr><td><a href="/portal/accreditations/CNAS%20C999-P">.*?</tr>', home)
    assert row and f">{body.name_en}</a>" in row.group(0) and me.name_en in home
    link = re.search(r'href="(/api/accreditations/[^"]+/credential\.json)"', row.group(0))
    assert link, row.group(0)
    r = web.get(link.group(1))
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith(
        'attachment; filename="CNAS_C999-P.dia.json"')
    dia = r.json()
    assert "DigitalIdentityAnchor" in dia["type"] and GRANT["number"] in json.dumps(dia)
    with page_db.read() as s:
        result = verifier.verify(dia, LiveTrust(s, SETTINGS))
    assert result.verdict == "valid", result.to_json()
    assert web.get("/api/accreditations/NO-SUCH/credential.json").status_code == 404


def test_others_cannot_use_it(web, page_db):
    sign_in(web)  # a certification body
    assert web.get("/portal/accreditations").status_code == 403
    with page_db.read() as s:
        number = s.scalar(select(Accreditation.number)
                          .where(Accreditation.accreditor_id == "cnas"))
    assert web.get(f"/portal/accreditations/{number}").status_code == 403


def test_preview_names_the_certificates_a_narrower_scope_leaves_out(web, page_db):
    from certpass.certificates import service as certificates
    from tests.registry_fixture import ctx, request

    with page_db.write() as s:
        certificates.issue(ctx(s), request("PREVIEW-1"), OPERATOR)
        number = s.scalar(select(Accreditation.number).where(
            Accreditation.accreditor_id == "cnas", Accreditation.body_id == "cqc",
            Accreditation.status == "active"))
    _accreditor(page_db)
    token_login = csrf_of(web.get("/login").text)
    web.post("/login", data={"username": "cnas-officer", "password": PASSWORD,
                             "csrf_token": token_login})
    manage = f"/portal/accreditations/{number}"
    token = csrf_of(web.get(manage).text)
    before = _last_event(page_db)
    r = web.post(f"{manage}/change", data={"preview": "yes", "status": "suspended",
                                           "reason": "", "csrf_token": token})
    assert r.status_code == 200 and 'id="preview"' in r.text and "PREVIEW-1" in r.text
    assert _last_event(page_db) == before  # a preview writes nothing
