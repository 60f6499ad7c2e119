"""The KPI store: published figures from the papers, live figures from files and SQL.

    >>> store = KpiStore(Settings(home=tmp_path))
    >>> store.replace_published(document)              # ingest, after indexing a paper
    >>> store.load_file(Path("kpis.csv"))              # `assistant kpi load FILE`
    {'file': 'kpis.csv', 'loaded': 12, 'errors': [{'file': 'kpis.csv', 'line': 4, ...}], ...}
    >>> store.get_kpi("cla_at_31_march", "Leicestershire", "31 March 2020")["value"]
    657.0

Where figures come from:

* **embedded store** — SQLite at ``settings.kpi_db_path``: published observations
  (replaced per document) and files loaded with ``load_file`` (replaced per file name);
* **live folder** — every CSV/XLSX in ``settings.kpi_dir`` (default ``<corpus_dir>/kpis``
  when it exists), re-read on each query when a file changed;
* **live database** — ``settings.kpi_sql_table`` at ``settings.kpi_sql_url``.

A live source that cannot be read adds a ``"live figures unavailable: <reason>"`` note
to results; published figures still answer. Construction opens nothing: the SQLite
file, the folder and the database are touched on first use. The tools only read;
writes happen in ``load_file`` / ``replace_published`` / ``remove_published``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import LiveSourceUnavailable, ToolError
from ..types import Document, KpiObservation
from .areas import canonical_area
from .catalogue import CATALOGUE, Catalogue, Metric
from .live_files import LiveFolder, RowError, read_table
from .periods import Period, parse_period
from .published import extract
from .results import compare_result, kpi_result, trend_result

if TYPE_CHECKING:  # SQLAlchemy is imported only when a KPI database is configured
    from .sql_source import SqlSource

_SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
    metric       TEXT NOT NULL,
    area         TEXT NOT NULL,
    period_start TEXT,
    period_end   TEXT NOT NULL,
    value        REAL NOT NULL,
    unit         TEXT NOT NULL,
    source       TEXT NOT NULL,
    source_page  INTEGER,
    source_line  INTEGER,
    quote        TEXT,
    doc_id       TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('published', 'live')),
    loaded_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS observations_metric_area ON observations (metric, area);
CREATE INDEX IF NOT EXISTS observations_doc ON observations (doc_id);
"""
_FIELDS = (
    "metric", "area", "period_start", "period_end", "value", "unit", "source",
    "source_page", "source_line", "quote", "doc_id", "kind", "loaded_at",
)
_LATEST_WORDS = {"", "latest", "now", "current", "currently", "today", "most recent"}


def resolve_kpi_dir(settings: Settings) -> Path | None:
    """``settings.kpi_dir``, else ``<corpus_dir>/kpis`` when that folder exists."""
    if settings.kpi_dir is not None:
        return Path(settings.kpi_dir)
    default = Path(settings.corpus_dir) / "kpis"
    return default if default.is_dir() else None


def _row(obs: KpiObservation) -> tuple[object, ...]:
    return (
        obs.metric, obs.area,
        obs.period_start.isoformat() if obs.period_start else None,
        obs.period_end.isoformat(), obs.value, obs.unit, obs.source,
        obs.source_page, obs.source_line, obs.quote, obs.doc_id, obs.kind,
        (obs.loaded_at or dt.datetime.now(dt.timezone.utc)).isoformat(),
    )


def _observation(row: sqlite3.Row) -> KpiObservation:
    data = dict(row)
    data["period_start"] = dt.date.fromisoformat(data["period_start"]) if data["period_start"] else None
    data["period_end"] = dt.date.fromisoformat(data["period_end"])
    data["loaded_at"] = dt.datetime.fromisoformat(data["loaded_at"])
    return KpiObservation(**data)


class KpiStore:
    """Published and live KPI observations, and the four read-only tools over them."""

    def __init__(self, settings: Settings, catalogue: Catalogue = CATALOGUE) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.db_path = settings.kpi_db_path
        folder = resolve_kpi_dir(settings)
        self.folder = LiveFolder(folder, catalogue) if folder is not None else None
        self.sql: SqlSource | None = None
        if settings.kpi_sql_url:
            from .sql_source import SqlSource

            self.sql = SqlSource(settings.kpi_sql_url, settings.kpi_sql_table, catalogue)
        self._write_lock = threading.Lock()
        self._schema_ready = False

    # --- embedded store ---------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.db_path, timeout=30)) as conn:
            conn.row_factory = sqlite3.Row
            if not self._schema_ready:
                conn.executescript(_SCHEMA)
                self._schema_ready = True
            yield conn

    def _replace(self, where: str, params: tuple[object, ...], observations: Sequence[KpiObservation]) -> int:
        """Delete the rows matching ``where`` and insert ``observations``, in one transaction."""
        placeholders = ", ".join("?" for _ in _FIELDS)
        with self._write_lock, self._connect() as conn, conn:
            cursor = conn.execute(f"DELETE FROM observations WHERE {where}", params)
            conn.executemany(
                f"INSERT INTO observations ({', '.join(_FIELDS)}) VALUES ({placeholders})",
                [_row(o) for o in observations],
            )
            return cursor.rowcount

    def _stored(self, metric: str | None, area: str | None) -> list[KpiObservation]:
        query = "SELECT * FROM observations WHERE (? IS NULL OR metric = ?) AND (? IS NULL OR area = ?)"
        with self._connect() as conn:
            rows = conn.execute(query, (metric, metric, area, area)).fetchall()
        return [_observation(r) for r in rows]

    def replace_published(self, document: Document) -> int:
        """Record the figures ``document`` states, replacing its earlier ones; returns how many."""
        observations = extract(document, self.catalogue)
        self._replace("kind = 'published' AND doc_id = ?", (document.doc_id,), observations)
        return len(observations)

    def remove_published(self, doc_id: str) -> int:
        """Forget a purged document's figures; returns how many were removed."""
        return self._replace("kind = 'published' AND doc_id = ?", (doc_id,), [])

    def load_file(self, path: Path) -> dict[str, Any]:
        """Load a CSV/XLSX of live figures into the store, replacing an earlier load of the
        same file name. Malformed rows are skipped and listed with file and line."""
        path = Path(path)
        if not path.is_file():
            raise ToolError(f"{path}: no such file")
        table = read_table(path, self.catalogue, loaded_at=dt.datetime.now(dt.timezone.utc))
        file_level = [e for e in table.errors if e.line in (None, 1)]
        replaced = 0
        if not file_level:
            replaced = self._replace(
                "kind = 'live' AND doc_id IS NULL AND source = ?", (path.name,), table.observations
            )
        return {
            "file": path.name,
            "path": str(path),
            "loaded": 0 if file_level else len(table.observations),
            "replaced": replaced,
            "errors": [e.to_dict() for e in table.errors],
        }

    # --- gathering ----------------------------------------------------------------
    def _gather(self, metric: str | None, area: str | None) -> tuple[list[KpiObservation], list[str]]:
        observations = self._stored(metric, area)
        notes: list[str] = []
        for name, read in (("folder", self._read_folder), ("sql", self._read_sql)):
            try:
                found, errors = read(metric, area)
            except LiveSourceUnavailable as exc:
                notes.append(exc.detail)
                continue
            observations.extend(found)
            if errors:
                shown = "; ".join(str(e) for e in errors[:3])
                more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
                notes.append(f"{len(errors)} malformed live row(s) skipped ({name}): {shown}{more}")
        return observations, notes

    def _read_folder(self, metric: str | None, area: str | None) -> tuple[list[KpiObservation], list[RowError]]:
        if self.folder is None:
            return [], []
        table = self.folder.read()
        found = [
            o for o in table.observations
            if (metric is None or o.metric == metric) and (area is None or o.area == area)
        ]
        return found, table.errors

    def _read_sql(self, metric: str | None, area: str | None) -> tuple[list[KpiObservation], list[RowError]]:
        if self.sql is None:
            return [], []
        table = self.sql.read(metric=metric, area=area)
        return table.observations, table.errors

    # --- arguments ----------------------------------------------------------------
    def _metric(self, name: str) -> Metric:
        return self.catalogue.get(name)

    @staticmethod
    def _period(text: str | None, field: str) -> Period | None:
        if text is None or text.strip().lower() in _LATEST_WORDS:
            return None
        period = parse_period(text)
        if period is None:
            raise ToolError(
                f"{field}: {text!r} is not a date or period "
                "(use e.g. '31 March 2020', '2020-03-31', '2019-20' or '2015')"
            )
        return period

    # --- read-only queries (the tools) --------------------------------------------
    def list_metrics(self) -> list[dict[str, Any]]:
        """The catalogue: name, label, definition, unit, synonyms, better direction."""
        return self.catalogue.describe()

    def query(self, metric: str | None = None, area: str | None = None) -> list[KpiObservation]:
        """Every observation (published and live) for ``metric`` / ``area``; None = all.
        Live sources that cannot be read are left out (see ``live_status``)."""
        name = self._metric(metric).name if metric else None
        observations, _ = self._gather(name, canonical_area(area))
        return sorted(observations, key=lambda o: (o.metric, o.area, o.period_end, o.kind, o.source))

    def get_kpi(self, metric: str, area: str, period: str | None = None) -> dict[str, Any]:
        """The figure for ``metric`` in ``area`` at ``period`` (latest when None)."""
        m = self._metric(metric)
        canonical = canonical_area(area)
        if canonical is None:
            raise ToolError("area: must name a council, e.g. 'Leicestershire' or 'Leicester City'")
        wanted = self._period(period, "period")
        observations, notes = self._gather(m.name, canonical)
        return kpi_result(m, canonical, wanted, observations, notes)

    def kpi_trend(
        self, metric: str, area: str, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        """``metric`` in ``area`` over time, one point per as-at date, between the periods given."""
        m = self._metric(metric)
        canonical = canonical_area(area)
        if canonical is None:
            raise ToolError("area: must name a council, e.g. 'Leicestershire' or 'Leicester City'")
        observations, notes = self._gather(m.name, canonical)
        return trend_result(m, canonical, self._period(since, "since"), self._period(until, "until"), observations, notes)

    def compare_kpi(
        self, metric: str, areas: Sequence[str] | None = None, periods: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """``metric`` side by side across ``areas`` (default: every area with figures) and
        ``periods`` (default: the latest of each)."""
        m = self._metric(metric)
        observations, notes = self._gather(m.name, None)
        wanted_areas: list[str] = []
        for name in areas or sorted({o.area for o in observations}):
            canonical = canonical_area(name)
            if canonical is None:
                raise ToolError("areas: each must name a council")
            if canonical not in wanted_areas:
                wanted_areas.append(canonical)
        wanted_periods = [self._period(p, "periods") for p in periods] if periods else [None]
        rows = []
        for area in wanted_areas:
            in_area = [o for o in observations if o.area == area]
            for period in wanted_periods:
                row = kpi_result(m, area, period, in_area, [])
                del row["notes"]
                rows.append(row)
        return compare_result(m, rows, notes)

    def live_status(self) -> dict[str, Any]:
        """Which live sources are configured and whether they can be read now."""
        status: dict[str, Any] = {"folder": None, "sql": None, "notes": []}
        if self.folder is not None:
            entry: dict[str, Any] = {"path": str(self.folder.folder)}
            try:
                table = self.folder.read()
                entry.update(
                    available=True,
                    files=[p.name for p in self.folder.files()],
                    observations=len(table.observations),
                    errors=[e.to_dict() for e in table.errors],
                )
            except LiveSourceUnavailable as exc:
                entry.update(available=False, reason=exc.detail)
                status["notes"].append(exc.detail)
            status["folder"] = entry
        if self.sql is not None:
            entry = {"url": self.sql.label, "table": self.sql.table_name}
            try:
                table = self.sql.read()
                entry.update(
                    available=True, observations=len(table.observations), errors=[e.to_dict() for e in table.errors]
                )
            except LiveSourceUnavailable as exc:
                entry.update(available=False, reason=exc.detail)
                status["notes"].append(exc.detail)
            status["sql"] = entry
        return status
