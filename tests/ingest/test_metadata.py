"""Metadata from content, manifests and document ids."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.ingest.metadata import apply_overrides, doc_id_for, extract_metadata, load_manifest
from assistant.types import Chunk, Document

Prepared = dict[str, tuple[Document, tuple[Chunk, ...]]]

EXPECTED = {
    "cfosc-2018-11-05-virtual-school-report.pdf": dict(
        title="Leicestershire Virtual School",
        doc_type="committee_report",
        council="Leicestershire County Council",
        committee="Children and Families Overview and Scrutiny Committee",
        date=dt.date(2018, 11, 5),
        period=None,
    ),
    "cfosc-2020-01-21-agenda-pack.pdf": dict(
        title="Agenda: Children and Families Overview and Scrutiny Committee, 21 January 2020",
        doc_type="agenda_pack",
        council="Leicestershire County Council",
        committee="Children and Families Overview and Scrutiny Committee",
        date=dt.date(2020, 1, 21),
        period=None,
    ),
    "cic-health-annual-report-2019-20.pdf": dict(
        title="Children in Care health annual report 2019-20",
        doc_type="annual_report",
        council="Leicestershire County Council",
        committee=None,
        date=dt.date(2020, 3, 31),
        period="2019-20",
    ),
    "foi-2015-leicester-city-looked-after-children.docx": dict(
        title="FOI response: Looked after children",
        doc_type="foi_response",
        council="Leicester City Council",
        committee=None,
        date=dt.date(2015, 1, 1),
        period=None,
    ),
    "foi-leicester-city-lac-residential-placements.pdf": dict(
        title="FOI response: Looked After Children placements",
        doc_type="foi_response",
        council="Leicester City Council",
        committee=None,
        date=None,
        period=None,
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_each_paper(prepared: Prepared, name: str) -> None:
    meta = prepared[name][0].meta
    got = {key: getattr(meta, key) for key in EXPECTED[name]}
    assert got == EXPECTED[name]
    assert meta.access == "public"


def test_heuristics_work_without_file_metadata(prepared: Prepared) -> None:
    """Titles and types come from the text itself when the file declares nothing."""
    from assistant.ingest.readers import RawDocument

    def bare(name: str) -> RawDocument:
        return RawDocument(pages=[p.text for p in prepared[name][0].pages], metadata={})

    report = extract_metadata(bare("cfosc-2018-11-05-virtual-school-report.pdf"), Path("report.pdf"))
    assert (report.title, report.doc_type) == ("Leicestershire Virtual School", "committee_report")
    foi = extract_metadata(bare("foi-leicester-city-lac-residential-placements.pdf"), Path("foi.pdf"))
    assert foi.title == "FOI response: Looked After Children Placements"
    assert foi.council == "Leicester City Council"


def test_file_name_year_dates_an_undated_foi(prepared: Prepared) -> None:
    document = prepared["foi-leicester-city-lac-residential-placements.pdf"][0]
    raw_pages = [p.text for p in document.pages]
    from assistant.ingest.readers import RawDocument

    meta = extract_metadata(RawDocument(pages=raw_pages), Path("foi-2019-placements.pdf"))
    assert meta.date == dt.date(2019, 1, 1)


def test_doc_id_is_a_slug_of_the_file_stem() -> None:
    assert doc_id_for(Path("/x/CFOSC 2020_01 Agenda Pack.PDF")) == "cfosc-2020-01-agenda-pack"
    assert doc_id_for(Path("a/report.pdf")) == doc_id_for(Path("b/report.pdf"))


def test_manifest_overrides_fields(prepared: Prepared, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "cic-health-annual-report-2019-20.pdf:\n"
        "  title: Children in Care Health Annual Report 2019-20\n"
        "  access: health-partners\n"
        "  date: 2020-07-01\n",
        encoding="utf-8",
    )
    overrides = load_manifest(manifest)["cic-health-annual-report-2019-20.pdf"]
    meta = apply_overrides(prepared["cic-health-annual-report-2019-20.pdf"][0].meta, overrides)
    assert meta.title == "Children in Care Health Annual Report 2019-20"
    assert meta.access == "health-partners" and meta.date == dt.date(2020, 7, 1)
    assert meta.council == "Leicestershire County Council"  # untouched fields stay extracted


def test_manifest_rejects_unknown_fields_and_bad_values(prepared: Prepared, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"a.pdf": {"colour": "red"}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown field"):
        load_manifest(manifest)
    meta = prepared["cic-health-annual-report-2019-20.pdf"][0].meta
    with pytest.raises(ConfigError):
        apply_overrides(meta, {"doc_type": "novel"})


def test_council_needs_more_than_a_passing_mention() -> None:
    from assistant.ingest.readers import RawDocument

    raw = RawDocument(pages=["Minutes\nA letter was received from Rutland County Council about transport."])
    assert extract_metadata(raw, Path("m.txt")).council is None


def test_context_label_is_compact_and_skips_what_the_title_says() -> None:
    from assistant.ingest.metadata import context_label
    from assistant.types import DocumentMeta

    meta = DocumentMeta(
        title="Leicestershire Virtual School",
        doc_type="committee_report",
        council="Leicestershire County Council",
        date=dt.date(2018, 11, 5),
    )
    assert context_label(meta) == "Leicestershire County Council, Committee report, 5 November 2018"
    foi = DocumentMeta(
        title="FOI response: Looked after children",
        doc_type="foi_response",
        council="Leicester City Council",
        date=dt.date(2015, 1, 1),
    )
    assert context_label(foi) == "Leicester City Council, 2015"  # a bare year from the file name
    annual = DocumentMeta(
        title="Children in Care health annual report 2019-20",
        doc_type="annual_report",
        council="Leicestershire County Council",
        date=dt.date(2020, 3, 31),
        period="2019-20",
    )
    assert context_label(annual) == "Leicestershire County Council"
    assert context_label(DocumentMeta(title="Untitled paper")) == ""
