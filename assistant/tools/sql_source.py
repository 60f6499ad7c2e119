"""Live KPI figures from a SQL table, given as a SQLAlchemy URL.

    >>> source = SqlSource("postgresql+psycopg://kpi@db/kpis", "kpi_observations", CATALOGUE)
    >>> source.read(metric="cla_at_31_march", area="Leicestershire")

The table has the live-file columns (``metric, area, period_end, value, unit, source``;
optionally ``period_start``, ``quote``, ``loaded_at``). Reads are a SQLAlchemy Core
``select`` with bound parameters, in a read-only transaction on PostgreSQL; nothing
the model writes reaches the SQL text. The engine is created on first use. Connection
and SQL errors become ``LiveSourceUnavailable`` with the reason; malformed rows are
skipped and reported by row.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, RowMapping, TableClause, column, create_engine, func, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import LiveSourceUnavailable
from ..types import KpiObservation
from .catalogue import Catalogue
from .live_files import RowError, TableRead
from .rows import COLUMNS, REQUIRED_COLUMNS, parse_row

OPTIONAL_COLUMNS: tuple[str, ...] = ("period_start", "quote", "loaded_at")
CONNECT_TIMEOUT_S = 5


class SqlSource:
    """Read-only access to one table of live KPI rows."""

    def __init__(self, url: str, table_name: str, catalogue: Catalogue) -> None:
        self.url = url
        self.table_name = table_name
        self.catalogue = catalogue
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def label(self) -> str:
        """The URL without its password: what results cite as the source."""
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError:
            return "<invalid database URL>"

    @property
    def display_name(self) -> str:
        return f"{self.label}#{self.table_name}"

    def _get_engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                try:
                    url = make_url(self.url)
                    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if url.get_backend_name() == "postgresql" else {}
                    self._engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
                except (ArgumentError, ImportError, SQLAlchemyError) as exc:
                    raise LiveSourceUnavailable(f"live figures unavailable: bad database URL {self.label}: {exc}") from exc
            return self._engine

    def _table(self, available: set[str]) -> TableClause:
        schema, _, name = self.table_name.rpartition(".")
        wanted = [c for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c in available]
        return table(name, *(column(c) for c in wanted), schema=schema or None)

    def read(self, metric: str | None = None, area: str | None = None) -> TableRead:
        """Rows for ``metric`` / ``area`` (None = all), validated like live-file rows.

        The metric is matched in SQL (trimmed, case-insensitive); the area after
        canonicalisation, since a table may spell a council "Leicester City Council"."""
        engine = self._get_engine()
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "postgresql":
                    conn = conn.execution_options(postgresql_readonly=True)
                available = self._columns(conn)
                kpis = self._table(available)
                query = select(kpis)
                if metric is not None:
                    query = query.where(func.lower(func.trim(kpis.c.metric)) == metric.lower())
                rows = conn.execute(query).mappings().all()
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise LiveSourceUnavailable(f"live figures unavailable: {self.label}: {reason}") from exc
        table = self._validate(rows)
        if area is None:
            return table
        return TableRead([o for o in table.observations if o.area == area], table.errors)

    def _columns(self, conn: Connection) -> set[str]:
        schema, _, name = self.table_name.rpartition(".")
        found = {c["name"].lower() for c in inspect(conn).get_columns(name, schema=schema or None)}
        missing = [c for c in REQUIRED_COLUMNS if c not in found]
        if missing:
            raise LiveSourceUnavailable(
                f"live figures unavailable: table {self.table_name} lacks column(s) {', '.join(missing)}"
            )
        return found

    def _validate(self, rows: Sequence[RowMapping]) -> TableRead:
        now = dt.datetime.now(dt.timezone.utc)
        observations: list[KpiObservation] = []
        errors: list[RowError] = []
        for row in rows:
            record = dict(row)
            loaded_at = record.get("loaded_at")
            if isinstance(loaded_at, dt.datetime):
                loaded_at = loaded_at if loaded_at.tzinfo else loaded_at.replace(tzinfo=dt.timezone.utc)
            else:
                loaded_at = now
            try:
                observations.append(
                    parse_row(record, self.catalogue, source=self.display_name, line=None, loaded_at=loaded_at)
                )
            except ValueError as exc:
                where = ", ".join(f"{c}={record.get(c)!r}" for c in ("metric", "area", "period_end"))
                errors.append(RowError(self.display_name, None, f"row ({where}): {exc}"))
        return TableRead(observations, errors)
