"""Observations -> the JSON-able results the KPI tools return.

Every figure carries its provenance (``source``, ``page`` or ``line``, ``quote``,
``kind``, ``as_at``, ``loaded_at``), so the answer composer can cite it like a passage.
Where a live and a published figure disagree, the result carries both and says which is
newer: the later ``period_end`` wins, and for the same period the later ``loaded_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from ..types import KpiObservation
from .catalogue import Metric
from .periods import Period

_EPOCH = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def recency(obs: KpiObservation) -> tuple[dt.date, dt.datetime]:
    """Sort key: which of two observations is newer (period first, then load time)."""
    loaded = obs.loaded_at or _EPOCH
    return obs.period_end, loaded if loaded.tzinfo else loaded.replace(tzinfo=dt.timezone.utc)


def figure(obs: KpiObservation) -> dict[str, Any]:
    """One observation with its provenance, as plain JSON types."""
    return {
        "value": obs.value,
        "unit": obs.unit,
        "as_at": obs.period_end.isoformat(),
        "period_start": obs.period_start.isoformat() if obs.period_start else None,
        "kind": obs.kind,
        "source": obs.source,
        "page": obs.source_page,
        "line": obs.source_line,
        "quote": obs.quote,
        "doc_id": obs.doc_id,
        "loaded_at": obs.loaded_at.isoformat() if obs.loaded_at else None,
    }


def newest_first(observations: Iterable[KpiObservation]) -> list[KpiObservation]:
    return sorted(observations, key=recency, reverse=True)


def _which_newer(live: KpiObservation, published: KpiObservation) -> tuple[str, str]:
    if live.period_end != published.period_end:
        return ("live" if live.period_end > published.period_end else "published"), "period_end"
    return ("live" if recency(live) >= recency(published) else "published"), "loaded_at"


def live_vs_published(candidates: Sequence[KpiObservation]) -> dict[str, Any] | None:
    """Both figures and which is newer, when the newest live and published ones differ."""
    live = next((o for o in newest_first(candidates) if o.kind == "live"), None)
    published = next((o for o in newest_first(candidates) if o.kind == "published"), None)
    if live is None or published is None:
        return None
    if live.value == published.value and live.period_end == published.period_end:
        return None
    newer, basis = _which_newer(live, published)
    return {
        "live": figure(live),
        "published": figure(published),
        "newer": newer,
        "basis": basis,
        "summary": (
            f"live figure {live.value:g} (as at {live.period_end}, {live.source}) and published figure "
            f"{published.value:g} (as at {published.period_end}, {published.source}"
            f"{f' p. {published.source_page}' if published.source_page else ''}) differ; "
            f"the {newer} figure is newer (by {basis.replace('_', ' ')})"
        ),
    }


def _distinct(observations: Iterable[KpiObservation]) -> list[KpiObservation]:
    """Drop repeats of the same figure from the same source (a file both loaded and watched)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for obs in observations:
        key = (obs.kind, obs.source, obs.period_start, obs.period_end, obs.value, obs.source_page)
        if key not in seen:
            seen.add(key)
            out.append(obs)
    return out


def kpi_result(
    metric: Metric,
    area: str | None,
    period: Period | None,
    observations: Sequence[KpiObservation],
    notes: Sequence[str],
) -> dict[str, Any]:
    """``get_kpi``: the figure for one period (latest when ``period`` is None)."""
    in_period = [o for o in observations if period is None or period.contains(o.period_end)]
    result: dict[str, Any] = {
        "metric": metric.name,
        "label": metric.label,
        "unit": metric.unit,
        "area": area,
        "period": period.label if period else "latest",
        "found": bool(in_period),
        "notes": list(notes),
    }
    if not in_period:
        return result
    ordered = newest_first(_distinct(in_period))
    latest_end = ordered[0].period_end
    at_latest = [o for o in ordered if o.period_end == latest_end]
    # "latest" compares the newest live figure with the newest published one, whatever
    # their periods; a named period compares figures for that period only.
    conflict = live_vs_published(ordered if period is None else at_latest)
    head = at_latest[0]
    result.update(figure(head))
    result["figures"] = [figure(o) for o in at_latest]
    result["conflict"] = conflict
    return result


def trend_result(
    metric: Metric,
    area: str,
    since: Period | None,
    until: Period | None,
    observations: Sequence[KpiObservation],
    notes: Sequence[str],
) -> dict[str, Any]:
    """``kpi_trend``: one point per as-at date, oldest first, and the overall change."""
    low = (since.start or since.end) if since else dt.date.min
    high = until.end if until else dt.date.max
    by_date: dict[dt.date, list[KpiObservation]] = {}
    for obs in _distinct(observations):
        if low <= obs.period_end <= high:
            by_date.setdefault(obs.period_end, []).append(obs)
    points = []
    for day in sorted(by_date):
        ordered = newest_first(by_date[day])
        points.append({**figure(ordered[0]), "conflict": live_vs_published(ordered)})
    result: dict[str, Any] = {
        "metric": metric.name,
        "label": metric.label,
        "unit": metric.unit,
        "area": area,
        "since": since.label if since else None,
        "until": until.label if until else None,
        "found": bool(points),
        "points": points,
        "notes": list(notes),
    }
    if len(points) >= 2:
        first, last = points[0]["value"], points[-1]["value"]
        change = last - first
        result["change"] = {
            "from": first,
            "to": last,
            "absolute": round(change, 4),
            "direction": "up" if change > 0 else "down" if change < 0 else "flat",
            "improved": None if metric.better is None or change == 0 else (change > 0) == (metric.better == "higher"),
        }
    return result


def compare_result(
    metric: Metric, rows: list[dict[str, Any]], notes: Sequence[str]
) -> dict[str, Any]:
    """``compare_kpi``: ``get_kpi`` rows side by side, and the difference of two."""
    found = [r for r in rows if r["found"]]
    result: dict[str, Any] = {
        "metric": metric.name,
        "label": metric.label,
        "unit": metric.unit,
        "found": bool(found),
        "rows": rows,
        "notes": list(notes),
    }
    if len(found) == 2:
        result["difference"] = round(found[1]["value"] - found[0]["value"], 4)
    return result
