"""Live figures from a real PostgreSQL server (a throwaway cluster per session)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assistant.config import Settings
from assistant.tools.kpi_store import KpiStore
from assistant.types import Document

from .conftest import free_port

pytestmark = pytest.mark.postgres

ROWS = [
    {"metric": "cla_at_31_march", "area": "Leicestershire", "period_end": "2021-03-31", "value": "690", "unit": "count", "source": "county dashboard"},
    {"metric": "cla_at_31_march", "area": "Leicester City Council", "period_end": "2021-03-31", "value": "612", "unit": "count", "source": "city dashboard"},
    {"metric": "dental_check_pct", "area": "Leicestershire", "period_end": "2021-03-31", "value": "not known", "unit": "percent", "source": "county dashboard"},
]


@pytest.fixture(scope="module")
def kpi_table(postgres_url: str) -> Iterator[str]:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS kpi_observations"))
        conn.execute(
            text(
                "CREATE TABLE kpi_observations (metric text, area text, period_end date, value text, "
                "unit text, source text, loaded_at timestamptz DEFAULT now())"
            )
        )
        conn.execute(
            text(
                "INSERT INTO kpi_observations (metric, area, period_end, value, unit, source) "
                "VALUES (:metric, :area, CAST(:period_end AS date), :value, :unit, :source)"
            ),
            ROWS,
        )
    engine.dispose()
    yield postgres_url


def _store(tmp_path: Path, url: str, table: str = "kpi_observations") -> KpiStore:
    return KpiStore(Settings(home=tmp_path / "home", corpus_dir=tmp_path, kpi_sql_url=url, kpi_sql_table=table))


def test_live_figures_from_postgres(tmp_path: Path, kpi_table: str) -> None:
    store = _store(tmp_path, kpi_table)
    result = store.get_kpi("cla_at_31_march", "Leicester City")
    assert (result["value"], result["kind"], result["area"]) == (612, "live", "Leicester City")
    assert result["source"].endswith("#kpi_observations") and "postgresql" in result["source"]
    assert result["quote"] == "city dashboard"
    county = store.get_kpi("cla_at_31_march", "Leicestershire", "2021-03-31")
    assert county["value"] == 690


def test_malformed_database_rows_are_skipped_and_noted(tmp_path: Path, kpi_table: str) -> None:
    store = _store(tmp_path, kpi_table)
    result = store.get_kpi("dental_check_pct", "Leicestershire")
    assert result["found"] is False
    assert any("'not known' is not a number" in note for note in result["notes"])
    status = store.live_status()["sql"]
    assert status["available"] and status["observations"] == 2 and len(status["errors"]) == 1


def test_hostile_arguments_are_bound_not_spliced(tmp_path: Path, kpi_table: str) -> None:
    store = _store(tmp_path, kpi_table)
    assert store.query(area="x' OR '1'='1") == []
    assert len(store.query()) == 2
    assert store.sql is not None
    assert store.sql.read(metric="cla_at_31_march", area="x'; DROP TABLE kpi_observations; --").observations == []
    assert len(store.sql.read().observations) == 2


def test_reads_run_in_a_read_only_transaction(tmp_path: Path, kpi_table: str) -> None:
    store = _store(tmp_path, kpi_table)
    store.query()
    assert store.sql is not None and store.sql._engine is not None
    with store.sql._engine.connect() as conn:
        readonly = conn.execution_options(postgresql_readonly=True)
        assert readonly.execute(text("SHOW transaction_read_only")).scalar() == "on"


def test_unreachable_database_leaves_published_figures_with_a_note(
    tmp_path: Path, corpus_document: Callable[..., Document]
) -> None:
    store = _store(tmp_path, f"postgresql+psycopg://kpi@127.0.0.1:{free_port()}/postgres")
    store.replace_published(corpus_document("cic-health-annual-report-2019-20.pdf"))
    result = store.get_kpi("cla_at_31_march", "Leicestershire", "31 March 2020")
    assert result["value"] == 657 and result["kind"] == "published"
    [note] = result["notes"]
    assert note.startswith("live figures unavailable: postgresql+psycopg://kpi@127.0.0.1:")
    assert store.live_status()["sql"]["available"] is False


def test_missing_table_is_a_note_not_a_crash(tmp_path: Path, kpi_table: str) -> None:
    store = _store(tmp_path, kpi_table, table="no_such_table")
    result = store.get_kpi("cla_at_31_march", "Leicestershire")
    assert result["found"] is False
    assert result["notes"] and result["notes"][0].startswith("live figures unavailable")


def test_sqlite_url_works_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE kpis (metric TEXT, area TEXT, period_end TEXT, value REAL)"))
        conn.execute(text("INSERT INTO kpis VALUES ('uasc_count', 'Leicestershire', '2021-03-31', 71)"))
    engine.dispose()
    result = _store(tmp_path, url, table="kpis").get_kpi("uasc_count", "Leicestershire")
    assert result["value"] == 71 and result["kind"] == "live"
