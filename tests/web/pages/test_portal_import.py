"""Bulk upload as a certification body's office does it: a GBK file from Excel on Chinese
Windows, a template to start from, the rejected rows as a file, the list of what was issued."""

from __future__ import annotations

import io

from tests.waiting import wait_for
from tests.web.pages.conftest import sign_in

HEADER = ("number;scheme;issuer;holder_name;holder_name_zh;holder_economy;product_name;"
          "models;standards;category;issued_on")
ROWS = ["2024010701000021;CCC;cqc;Foshan Shengshi Electric;佛山盛世电器有限公司;CN;Kettle;K1;"
        "GB 4706.1-2005;HOUS;2024-03-01",
        "2024010701000022;CCC;cqc;Maker B;乙公司;ZZ;Kettle;K2;GB 4706.1-2005;HOUS;2024-03-01"]


def _finished(web, job: str) -> str:
    wait_for(lambda: web.get(f"{job}/status").json()["finished"], "the upload")
    return web.get(job).text


def test_gbk_semicolon_upload_with_errors_file_and_issued_list(web):
    token = sign_in(web)
    data = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gb18030")
    r = web.post("/portal/import", data={"csrf_token": token},
                 files={"file": ("证书.csv", io.BytesIO(data), "text/csv")})
    assert r.status_code == 303, r.text
    job = r.headers["location"]
    page = _finished(web, job)
    assert 'data-imported="1"' in page and 'data-failed="1"' in page
    assert "/certificates/2024010701000021" in page  # the issued list links to it
    errors = web.get(f"{job}/errors.csv")
    assert errors.status_code == 200 and "attachment" in errors.headers["content-disposition"]
    lines = errors.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,field,reason,code" and lines[1].startswith("3,holder_economy")
    zh_page = web.get(f"{job}?lang=zh").text
    assert "引用了登记库中没有的内容" in zh_page  # the reason in the reader's language
    holder = web.get("/certificates/2024010701000021?lang=zh").text
    assert "佛山盛世电器有限公司" in holder


def test_the_template_downloads_for_a_signed_in_body(web):
    assert web.get("/portal/import/template.csv").status_code in (303, 401)
    sign_in(web)
    r = web.get("/portal/import/template.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.decode("utf-8").startswith("\ufeffnumber / 证书编号,scheme / 认证制度,")


def test_the_upload_is_kept_in_the_database(web, page_db, settings_for):
    import datetime as dt

    from fastapi.testclient import TestClient

    from certpass.certificates import import_jobs
    from certpass.certificates.models import ImportJob
    from certpass.web.app import create_app

    token = sign_in(web)
    data = ("\r\n".join([HEADER, ROWS[0]]) + "\r\n").encode("utf-8")
    job = web.post("/portal/import", data={"csrf_token": token},
                   files={"file": ("one.csv", io.BytesIO(data), "text/csv")}
                   ).headers["location"]
    _finished(web, job)
    # Another server process (a new app on the same database) shows the same report.
    other = TestClient(create_app(settings_for(), page_db), follow_redirects=False)
    sign_in(other)
    assert 'data-imported="1"' in other.get(job).text
    # An upload whose process died stops reporting: it is shown as interrupted.
    with page_db.write() as s:
        stuck = import_jobs.start(s, "cqc-officer", "big.csv", 1000)
        stuck.updated_at = stuck.started_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        stuck_id = stuck.id
    page = web.get(f"/portal/import/{stuck_id}").text
    assert "interrupted" in page
    with page_db.read() as s:
        assert s.get(ImportJob, stuck_id).finished is False  # a read wrote nothing
