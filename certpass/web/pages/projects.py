"""Cooperation-project dashboards: one per project and one across all of them. Charts are
SVG drawn by pygal (inline, no script), each beside a table of the same figures."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Annotated, Any

import pygal
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
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
                margin=12, print_values_position="top")  # the caption is the title
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    # js=[] drops the tooltip script link, but pygal still inlines its config for that script:
    # without the script the config is dead weight, so the page carries no <script> at all.
    # Its inline <style> goes too (the CSP allows no inline style): the same rules, scoped
    # by class instead of the chart's random id, are served once as /projects/chart.css.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return _STYLE_ATTR.sub('opacity="0"', _STYLE_BLOCK.sub("", svg))


_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style>", re.S)
_STYLE_ATTR = re.compile(r'style="opacity: ?0;?"')


@lru_cache(maxsize=1)
def chart_css() -> str:
    """pygal's stylesheet for charts drawn with STYLE, scoped to ``.pygal-chart``."""
    sample = pygal.Bar(style=STYLE, js=[], show_legend=False, print_values=True, title="x")
    sample.add("x", [1])
    svg = sample.render(is_unicode=True)
    found = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    # The SVG carries its CSS XML-escaped ("a &gt; b"): unescaped, or the selectors break.
    css = html.unescape("".join(re.findall(r"<style\b[^>]*>(.*?)</style>", svg, re.S)))
    return css.replace(f"#{found.group(1)}", ".pygal-chart") if found else css


def _short(label: str, most: int = 28) -> str:
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


def chart(kind: str, title: str, data: dict[str, Any]) -> Markup | None:
    # Names, shortened for the axis: the table beside the chart gives them in full.
    items = [(_short(str(k)), int(v or 0)) for k, v in data.items()]
    if not items:
        return None
    if kind != "bar":
        items.reverse()  # pygal draws the first bar at the bottom; the table starts at the top
    labels, values = zip(*items, strict=True)
    return Markup(_chart(kind, title, labels, values))


@router.get("/projects", response_class=HTMLResponse)
def dashboard(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "projects.html", data=projects.all_outcomes(session), chart=chart)


@router.get("/projects/chart.css")
def chart_stylesheet() -> Response:
    return Response(chart_css(), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project(request: Request, project_id: Key, session: ReadSession) -> HTMLResponse:
    row = projects.get_project(session, project_id)
    o = projects.outcomes(session, project_id)
    return render(request, "project.html", p=projects.project_detail(session, row), row=row,
                  o=o, chart=chart, names=projects.chart_names(session, o))

