"""The Jinja environment of the pages: autoescaping on, helpers as globals/filters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.encoders import jsonable_encoder
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..types import DOC_TYPE_LABELS
from .highlight import cite_links, highlight_terms, mark_quote, query_terms, snippet

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Long quotes make long links; the page view needs only enough to find the passage.
MAX_QUOTE_IN_URL = 600


def uk_date(value: dt.date | str | None) -> str:
    """``2020-01-21`` -> ``21 January 2020``; empty for None."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value
    return f"{day.day} {day:%B %Y}"


def doc_type_label(value: str | None) -> str:
    return DOC_TYPE_LABELS.get(
        value or "", (value or "").replace("_", " ").capitalize()
    )


def passage_url(
    doc_id: str, page: int | None, quote: str | None = None, start: int | None = None
) -> str:
    """The document view at ``page`` with ``quote`` highlighted."""
    params: dict[str, Any] = {}
    if page:
        params["page"] = page
    if quote:
        params["quote"] = quote[:MAX_QUOTE_IN_URL]
        if start is not None and len(quote) <= MAX_QUOTE_IN_URL:
            params["start"] = start
    query = f"?{urlencode(params)}" if params else ""
    return f"/documents/{doc_id}{query}" + ("#quote" if quote else "")


def file_url(doc_id: str, source: str | None, page: int | None = None) -> str:
    url = f"/api/documents/{doc_id}/file"
    return (
        f"{url}#page={page}"
        if page and (source or "").lower().endswith(".pdf")
        else url
    )


def _json_dumps(value: Any, **kwargs: Any) -> str:
    return json.dumps(jsonable_encoder(value), ensure_ascii=False, **kwargs)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(
            ["html", "xml"], default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(uk_date=uk_date, doc_type_label=doc_type_label)
    env.policies["json.dumps_function"] = _json_dumps
    env.globals.update(
        highlight_terms=highlight_terms,
        query_terms=query_terms,
        snippet=snippet,
        mark_quote=mark_quote,
        cite_links=cite_links,
        passage_url=passage_url,
        file_url=file_url,
    )
    return env


templates = Jinja2Templates(env=_environment())
