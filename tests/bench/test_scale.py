"""The generated corpora of bench/scale.py: other councils, other figures, never duplicates."""

from __future__ import annotations

from pathlib import Path

from bench.scale import SourcePaper, generate, vary


def test_vary_changes_council_years_and_figures_but_keeps_dates_and_markers() -> None:
    text = "Leicestershire County Council: on 31 March 2020 there were 657 children (see 3). Leicester too."
    out = vary(text, ("Derbyshire County Council", "Derbyshire"), 2, 1.5)
    assert out.startswith("Derbyshire County Council: on 31 March 2022 there were 985 children (see 3).")
    assert out.endswith("Derbyshire too.")
    assert "Leicester" not in out


def test_generate_writes_distinct_paginated_copies(tmp_path: Path) -> None:
    papers = [SourcePaper("paper", ["Leicester City Council spent 1,234 on 1 April 2019.", "Page two: 250 items."])]
    files, pages = generate(papers, 3, tmp_path)
    written = sorted(tmp_path.glob("*.txt"))
    assert (files, pages, len(written)) == (3, 6, 3)
    texts = [p.read_text(encoding="utf8") for p in written]
    assert len(set(texts)) == 3
    assert all(t.count("\f") == 1 for t in texts)  # page breaks the text reader keeps
