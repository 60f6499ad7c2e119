"""KpiStore over a real SQLite file and a real live folder of CSV/XLSX files."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from assistant.config import Settings
from assistant.errors import ToolError
from assistant.tools.kpi_store import KpiStore, resolve_kpi_dir

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_construction_touches_nothing(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", kpi_sql_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    KpiStore(settings)
    assert not settings.kpi_db_path.exists()


def test_default_live_folder_is_corpus_kpis_when_it_exists(tmp_path: Path) -> None:
    assert resolve_kpi_dir(Settings(home=tmp_path, corpus_dir=CORPUS)) == CORPUS / "kpis"
    assert resolve_kpi_dir(Settings(home=tmp_path, corpus_dir=tmp_path / "none")) is None
    assert resolve_kpi_dir(Settings(home=tmp_path, kpi_dir=tmp_path / "x")) == tmp_path / "x"


def test_sample_live_file_loads_cleanly(tmp_path: Path) -> None:
    store = KpiStore(Settings(home=tmp_path, corpus_dir=CORPUS))
    status = store.live_status()
    assert status["folder"]["available"] and status["folder"]["errors"] == []
    data_rows = (CORPUS / "kpis" / "live_kpis.csv").read_text(encoding="utf-8").strip().count("\n")
    assert status["folder"]["observations"] == data_rows  # every row of the sample loads
    restated = store.get_kpi("cla_at_31_march", "Leicestershire", "31 March 2020")
    assert restated["value"] == 657 and restated["kind"] == "live" and restated["line"] == 2


def test_load_file_reports_malformed_rows_with_line_numbers(store: KpiStore, tmp_path: Path) -> None:
    path = tmp_path / "upload.csv"
    path.write_text(
        "metric,area,period_end,value,unit,source,comment\n"
        "cla_at_31_march,Leicester City Council,2016-03-31,601,count,city dashboard,extra columns are fine\n"
        "cla_at_31_march,Leicester City,2017-03-31,lots,count,city dashboard,\n"
        "children_in_care,Leicester City,2017-03-31,600,count,city dashboard,\n"
        "cla_at_31_march,Leicester City,31/02/2017,600,count,city dashboard,\n"
        "\n"
        "dental_check_pct,Leicestershire,2021-03-31,88.5%,percent,county dashboard,\n",
        encoding="utf-8",
    )
    report = store.load_file(path)
    assert report["loaded"] == 2
    assert [(e["file"], e["line"]) for e in report["errors"]] == [("upload.csv", 3), ("upload.csv", 4), ("upload.csv", 5)]
    assert "not a number" in report["errors"][0]["error"]
    assert "unknown metric 'children_in_care'" in report["errors"][1]["error"]
    assert "not a date" in report["errors"][2]["error"]
    [city] = store.query(metric="cla_at_31_march", area="Leicester City")
    assert (city.value, city.area, city.kind, city.source, city.source_line) == (601, "Leicester City", "live", "upload.csv", 2)
    assert city.quote and city.quote.startswith("cla_at_31_march,Leicester City Council,2016-03-31,601")


def test_load_file_replaces_an_earlier_load_of_the_same_file(store: KpiStore, tmp_path: Path) -> None:
    path = tmp_path / "upload.csv"
    path.write_text("metric,area,period_end,value\ncla_at_31_march,Leicestershire,2021-03-31,690\n", encoding="utf-8")
    store.load_file(path)
    path.write_text("metric,area,period_end,value\ncla_at_31_march,Leicestershire,2021-03-31,700\n", encoding="utf-8")
    report = store.load_file(path)
    assert report["replaced"] == 1
    assert [o.value for o in store.query("cla_at_31_march")] == [700]


def test_load_file_with_missing_columns_changes_nothing(store: KpiStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,number\nx,1\n", encoding="utf-8")
    report = store.load_file(path)
    assert report["loaded"] == 0
    assert report["errors"] == [{"file": "bad.csv", "line": 1, "error": "missing column(s): metric, area, period_end, value"}]
    with pytest.raises(ToolError, match="no such file"):
        store.load_file(tmp_path / "absent.csv")


def test_edited_live_file_is_used_by_the_next_query(store: KpiStore, write_live: Callable[..., Path]) -> None:
    path = write_live("cla_at_31_march,Leicestershire,2021-03-31,690,count,dashboard\n")
    assert store.get_kpi("cla_at_31_march", "Leicestershire")["value"] == 690
    path.write_text(path.read_text().replace("690", "701"), encoding="utf-8")  # same size, same second
    assert store.get_kpi("cla_at_31_march", "Leicestershire")["value"] == 701
    path.write_text(path.read_text().replace("701", "1701"), encoding="utf-8")
    assert store.get_kpi("cla_at_31_march", "Leicestershire")["value"] == 1701
    path.unlink()
    assert store.get_kpi("cla_at_31_march", "Leicestershire")["found"] is False


def test_unchanged_live_file_is_not_parsed_again(store: KpiStore, write_live: Callable[..., Path]) -> None:
    path = write_live("cla_at_31_march,Leicestershire,2021-03-31,690,count,dashboard\n")
    old = time.time() - 60
    os.utime(path, (old, old))
    first = store.get_kpi("cla_at_31_march", "Leicestershire")
    assert store.folder is not None
    cached = dict(store.folder._cache)
    assert store.get_kpi("cla_at_31_march", "Leicestershire") == first
    assert store.folder._cache == cached


def test_xlsx_live_file(store: KpiStore, kpi_settings: Settings) -> None:
    assert kpi_settings.kpi_dir is not None
    frame = pd.DataFrame(
        {
            "metric": ["placements_3plus_pct", "placements_3plus_pct"],
            "area": ["Leicestershire", "Leicestershire"],
            "period_end": ["2021-03-31", "not a date"],
            "value": ["9.1", "9.9"],
        }
    )
    frame.to_excel(kpi_settings.kpi_dir / "county.xlsx", index=False)
    result = store.get_kpi("placements_3plus_pct", "Leicestershire")
    assert result["value"] == 9.1 and result["source"] == "county.xlsx" and result["line"] == 2
    assert any("county.xlsx:3" in note and "not a date" in note for note in result["notes"])


def test_live_and_published_figures_that_differ_are_both_reported(
    published_store: KpiStore, write_live: Callable[..., Path]
) -> None:
    path = write_live("cla_at_31_march,Leicestershire,2020-03-31,660,count,county dashboard\n")
    result = published_store.get_kpi("cla_at_31_march", "Leicestershire", "31 March 2020")
    conflict = result["conflict"]
    assert conflict["live"]["value"] == 660 and conflict["published"]["value"] == 657
    assert conflict["published"]["page"] == 1 and conflict["published"]["quote"]
    assert conflict["newer"] == "live" and conflict["basis"] == "loaded_at"  # file written after ingest
    assert result["value"] == 660
    assert {f["kind"] for f in result["figures"]} == {"live", "published"}
    assert "differ" in conflict["summary"]

    old = time.time() - 3600  # a file last changed before the papers were ingested
    os.utime(path, (old, old))
    result = published_store.get_kpi("cla_at_31_march", "Leicestershire", "31 March 2020")
    assert result["conflict"]["newer"] == "published" and result["value"] == 657


def test_latest_prefers_the_later_period_and_says_so(published_store: KpiStore, write_live: Callable[..., Path]) -> None:
    write_live("cla_at_31_march,Leicestershire,2021-03-31,690,count,county dashboard\n")
    result = published_store.get_kpi("cla_at_31_march", "Leicestershire")
    assert (result["value"], result["kind"], result["as_at"]) == (690, "live", "2021-03-31")
    assert result["conflict"]["newer"] == "live" and result["conflict"]["basis"] == "period_end"
    assert result["conflict"]["published"]["value"] == 657


def test_get_kpi_by_period(published_store: KpiStore) -> None:
    assert published_store.get_kpi("cla_at_31_march", "Leicester City", "2014")["value"] == 530
    assert published_store.get_kpi("cla_at_31_march", "Leicester City Council", "31st March 2015")["value"] == 549
    budget = published_store.get_kpi("lac_budget_gbp", "Leicester", "2014-15")
    assert budget["value"] == 25_627_200 and budget["quote"] == "2014-15 - £25,627,200"
    missing = published_store.get_kpi("cla_at_31_march", "Leicestershire", "2014")
    assert missing["found"] is False and "value" not in missing


def test_no_leicester_city_figure_answers_for_leicestershire(published_store: KpiStore) -> None:
    for obs in published_store.query(area="Leicestershire"):
        assert obs.source.startswith(("cic-", "cfosc-"))


def test_kpi_trend(published_store: KpiStore) -> None:
    trend = published_store.kpi_trend("cla_at_31_march", "Leicester City", since="2013", until="2015")
    assert [p["value"] for p in trend["points"]] == [520, 530, 549]
    assert trend["change"] == {"from": 520, "to": 549, "absolute": 29, "direction": "up", "improved": None}
    health = published_store.kpi_trend("health_assessment_pct", "Leicestershire")
    assert [p["value"] for p in health["points"]] == [82, 92]
    assert health["change"]["improved"] is True


def test_compare_kpi(published_store: KpiStore) -> None:
    by_area = published_store.compare_kpi("cla_at_31_march", areas=["Leicester City", "Leicestershire"])
    assert [(r["area"], r["value"]) for r in by_area["rows"]] == [("Leicester City", 549), ("Leicestershire", 657)]
    assert by_area["difference"] == 108
    by_period = published_store.compare_kpi("health_assessment_pct", areas=["the county"], periods=["2018/19", "2019/20"])
    assert [r["value"] for r in by_period["rows"]] == [82, 92]
    every_area = published_store.compare_kpi("cla_at_31_march")
    assert {r["area"] for r in every_area["rows"]} == {"Leicester City", "Leicestershire"}


def test_bad_arguments_raise_tool_errors(published_store: KpiStore) -> None:
    with pytest.raises(ToolError, match="did you mean cla_at_31_march"):
        published_store.get_kpi("cla_at_31_marhc", "Leicestershire")
    with pytest.raises(ToolError, match="period: 'yesteryear' is not a date"):
        published_store.get_kpi("cla_at_31_march", "Leicestershire", "yesteryear")
    with pytest.raises(ToolError, match="area"):
        published_store.get_kpi("cla_at_31_march", " ")


def test_missing_live_folder_leaves_published_figures_with_a_note(
    tmp_path: Path, corpus_document: Callable[..., object]
) -> None:
    store = KpiStore(Settings(home=tmp_path / "home", kpi_dir=tmp_path / "gone"))
    store.replace_published(corpus_document("cic-health-annual-report-2019-20.pdf"))  # type: ignore[arg-type]
    result = store.get_kpi("cla_at_31_march", "Leicestershire", "2020-03-31")
    assert result["value"] == 657 and result["kind"] == "published"
    assert result["notes"] == [f"live figures unavailable: KPI folder {tmp_path / 'gone'} does not exist"]
    assert store.live_status()["folder"]["available"] is False
    assert [o.value for o in store.query("cla_at_31_march", "Leicestershire")] == [582, 657]


def test_observations_round_trip_through_sqlite(published_store: KpiStore) -> None:
    [obs] = [o for o in published_store.query("cla_at_31_march", "Leicestershire") if o.value == 657]
    assert obs.period_end == dt.date(2020, 3, 31) and obs.source_page == 1 and obs.doc_id
    assert obs.loaded_at is not None and obs.loaded_at.tzinfo is not None
