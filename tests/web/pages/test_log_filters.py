"""The log page filtered by event, body and date, and exported as CSV."""

from __future__ import annotations

import datetime as dt
import re

from certpass.ledger import browse
from tests.web.pages.conftest import sign_in
from tests.web.pages.test_portal import GOOD

ROW = re.compile(r'<tr><td><a href="/log/entries/(\d+)">')


def _indexes(html: str) -> list[int]:
    return [int(i) for i in ROW.findall(html)]


def test_filters_and_export(web):
    token = sign_in(web)
    assert web.post("/portal/issue", data={**GOOD, "csrf_token": token}).status_code == 303
    issued = _indexes(web.get("/log?kind=certificate.issued").text)
    assert len(issued) == 1
    family = web.get("/log?kind=accreditation").text
    assert _indexes(family) and "Accreditation granted" in family
    about_cqc = web.get("/log?body=cqc").text
    assert issued[0] in _indexes(about_cqc) and "body.registered" in about_cqc
    assert issued[0] not in _indexes(web.get("/log?body=ianz").text)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert 'id="log-none"' in web.get(f"/log?since={tomorrow}").text
    assert web.get("/log?kind=drop%20table").status_code == 422
    assert web.get("/log?since=2024-02-30").status_code == 422
    blank_form = web.get("/log?kind=&body=&since=&until=")  # the form sent with empty boxes
    assert blank_form.status_code == 200 and _indexes(blank_form.text)
    csv_text = web.get("/log/entries.csv?kind=certificate").content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0] == "index,recorded_at,type,actor,subject"
    assert lines[1].split(",")[2] == "certificate.issued" and lines[1].endswith(GOOD["number"])


def test_mentions_finds_a_body_at_any_depth():
    assert browse.mentions({"certificate": {"issuer": "cqc"}}, "cqc")
    assert browse.mentions({"accreditation": {"accreditor": "cnas", "body": "cqc"}}, "cnas")
    assert browse.mentions({"body": {"id": "cqc"}}, "cqc")
    assert not browse.mentions({"certificate": {"holder": {"name": "cqc"}}}, "cqc")
