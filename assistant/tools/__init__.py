"""KPI figures for the assistant: published in the papers, or live from files and SQL.

    catalogue.py    metric names (DfE / LAIT), definitions, units, synonyms
    areas.py        canonical council names ("Leicester City", "Leicestershire")
    periods.py      dates and reporting periods as councils write them
    published.py    figures stated in a Document, with page and verbatim quote
    rows.py         one live row -> a validated KpiObservation
    live_files.py   a folder of CSV/XLSX files, re-read when a file changes
    sql_source.py   a table behind a SQLAlchemy URL, read-only and parameterised
    results.py      observations -> JSON-able tool results with provenance
    kpi_store.py    KpiStore: the embedded SQLite store and the four tools
    functions.py    the tools as typed functions / LlamaIndex FunctionTools
    router.py       deterministic question -> ToolRequest for extractive mode

Nothing is imported here, so ``from assistant.tools.kpi_store import KpiStore`` stays
light (LlamaIndex is imported only by ``functions``).
"""
