"""One live KPI row -> a validated ``KpiObservation``.

Live files and the live database share one row shape::

    metric,area,period_end,value,unit,source[,period_start][,quote][, any other column]

``parse_row`` raises ``ValueError`` with a one-line reason (unknown metric with close
matches, non-numeric value, bad date, unit that disagrees with the catalogue); callers
report it with the file and line and go on with the next row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

from ..errors import ToolError
from ..types import KpiObservation
from .areas import canonical_area
from .catalogue import Catalogue, normalise_unit
from .periods import parse_date

REQUIRED_COLUMNS: tuple[str, ...] = ("metric", "area", "period_end", "value")
COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, "unit", "source")

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_value(raw: object) -> float:
    """A number as written in a live file: "657", "1,234", "46.9", "87.6%", "£26,462,900"."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and not math.isnan(float(raw)):
        return float(raw)
    text = _text(raw).replace(",", "").replace("£", "").removesuffix("%").strip()
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"value {_text(raw)!r} is not a number")
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"value {_text(raw)!r} is not a finite number")
    return number


def _date(raw: object, column: str) -> dt.date:
    day = parse_date(_text(raw))
    if day is None:
        raise ValueError(f"{column} {_text(raw)!r} is not a date (use YYYY-MM-DD)")
    return day


def parse_row(
    row: Mapping[str, object],
    catalogue: Catalogue,
    *,
    source: str,
    line: int | None,
    loaded_at: dt.datetime,
    quote: str | None = None,
) -> KpiObservation:
    """Validate one row; ``source`` is the file name or database label it came from."""
    missing = [c for c in REQUIRED_COLUMNS if not _text(row.get(c))]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    try:
        metric = catalogue.get(_text(row["metric"]))
    except ToolError as exc:
        raise ValueError(exc.detail) from exc
    area = canonical_area(_text(row["area"]))
    assert area is not None  # non-empty, checked above
    period_end = _date(row["period_end"], "period_end")
    period_start = _date(row["period_start"], "period_start") if _text(row.get("period_start")) else None
    if period_start is not None and period_start > period_end:
        raise ValueError(f"period_start {period_start} is after period_end {period_end}")
    value = parse_value(row["value"])
    if metric.unit == "percent" and not 0 <= value <= 100:
        raise ValueError(f"value {value:g} is not a percentage between 0 and 100")
    stated_source = _text(row.get("source"))
    return KpiObservation(
        metric=metric.name,
        area=area,
        period_start=period_start,
        period_end=period_end,
        value=value,
        unit=normalise_unit(_text(row.get("unit")), metric),
        source=source,
        source_line=line,
        quote=quote or _text(row.get("quote")) or stated_source or None,
        kind="live",
        loaded_at=loaded_at,
    )
