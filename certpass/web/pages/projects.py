"""Cooperation-project dashboards: one per project and one across all of them. Charts are
SVG drawn by pygal (inline, no script), each beside a table of the same figures."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any

import pygal
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pygal.style import Style

from certpass.projects import service as projects
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
_SCRIPT = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.S)
Key = Annotated[str, Path(min_length=1, max_length=64)]
STYLE = Style(background="transparent", plot_background="transparent", foreground="#1d2733",
              foreground_strong="#1d2733", foreground_subtle="#5b6775",
              colors=("#0b5cad", "#1b7a3a", "#9a6200", "#b3261e", "#6a3fa0", "#00796b"),
              font_family="system-ui, 'Noto Sans CJK SC', sans-serif")


@lru_cache(maxsize=512)
def _chart(kind: str, title: str, labels: tuple[str, ...], values: tuple[int, ...]) -> str:
    """An inline SVG chart; cached because the same figures are drawn on every visit."""
    cls = pygal.Bar if kind == "bar" else pygal.HorizontalBar
    chart = cls(style=STYLE, js=[], show_legend=False, width=640, height=300,
                disable_xml_declaration=True, explicit_size=False, print_values=True,
                margin=12, title=title)
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    # js=[] drops the tooltip script link, but pygal still inlines its config for that script:
    # without the script the config is dead weight, so the page carries no <script> at all.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def chart(kind: str, title: str, data: dict[str, Any]) -> Markup | None:
    items = [(str(k), int(v or 0)) for k, v in data.items()]
    if not items:
        return None
    labels, values = zip(*items, strict=True)
    return Markup(_chart(kind, title, labels, values))


@router.get("/projects", response_class=HTMLResponse)
def dashboard(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "projects.html", data=projects.all_outcomes(session), chart=chart)


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project(request: Request, project_id: Key, session: ReadSession) -> HTMLResponse:
    row = projects.get_project(session, project_id)
    return render(request, "project.html", p=projects.project_detail(session, row), row=row,
                  o=projects.outcomes(session, project_id), chart=chart)
