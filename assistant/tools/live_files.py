"""Live KPI figures from a folder of CSV/XLSX files, re-read when a file changes.

    >>> folder = LiveFolder(Path("corpus/kpis"), CATALOGUE)
    >>> read = folder.read()          # stats every file; parses only changed ones
    >>> read.observations, read.errors

Each query calls ``read()``: a file whose modification time or size changed since the
last read is parsed again, so an edited figure is used by the very next question. As
in git's "racily clean" check, a file modified within a couple of seconds of its last
read is also compared by content hash, since file-system timestamps are coarse.
Malformed rows are skipped and reported with file and line (the header is line 1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LiveSourceUnavailable
from ..types import KpiObservation
from .catalogue import Catalogue
from .rows import REQUIRED_COLUMNS, parse_row

if TYPE_CHECKING:  # pandas (~0.5 s to import) is imported when a file is first parsed
    import pandas as pd

SUFFIXES = (".csv", ".xlsx")
# A file modified this close to its last read may change again within the same
# timestamp tick, so its content hash is checked too.
RACY_WINDOW_NS = 2_000_000_000


@dataclass(frozen=True)
class RowError:
    """A row that was skipped, and why."""

    file: str
    line: int | None
    error: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "error": self.error}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.error}"


@dataclass(frozen=True)
class TableRead:
    """What one file yielded."""

    observations: list[KpiObservation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _frame(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")


def read_table(path: Path, catalogue: Catalogue, *, loaded_at: dt.datetime) -> TableRead:
    """Parse one CSV/XLSX file of KPI rows; bad rows become ``RowError`` and are skipped."""
    import pandas as pd

    name = path.name
    if path.suffix.lower() not in SUFFIXES:
        return TableRead(errors=[RowError(name, None, f"not a CSV or XLSX file ({path.suffix or 'no suffix'})")])
    try:
        frame = _frame(path)
        raw_lines = path.read_text(encoding="utf-8-sig").splitlines() if path.suffix.lower() == ".csv" else []
    except FileNotFoundError:
        return TableRead(errors=[RowError(name, None, "file not found")])
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return TableRead(errors=[RowError(name, None, f"cannot read file: {exc}")])
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        return TableRead(errors=[RowError(name, 1, f"missing column(s): {', '.join(missing)}")])
    # Verbatim source lines are quoted only when rows map one-to-one onto lines.
    exact_lines = len(raw_lines) == len(frame) + 1
    observations: list[KpiObservation] = []
    errors: list[RowError] = []
    for index, record in enumerate(frame.to_dict(orient="records")):
        line = index + 2
        if not any(str(v).strip() for v in record.values()):
            continue  # blank line
        quote = raw_lines[line - 1] if exact_lines else None
        try:
            observations.append(
                parse_row(record, catalogue, source=name, line=line, loaded_at=loaded_at, quote=quote)
            )
        except ValueError as exc:
            errors.append(RowError(name, line, str(exc)))
    return TableRead(observations, errors)


def modified_at(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)


@dataclass(frozen=True)
class _Cached:
    mtime_ns: int
    size: int
    digest: str
    read_ns: int
    table: TableRead


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class LiveFolder:
    """A folder of live KPI files, cached per file by (mtime, size, content hash)."""

    def __init__(self, folder: Path, catalogue: Catalogue) -> None:
        self.folder = folder
        self.catalogue = catalogue
        self._cache: dict[Path, _Cached] = {}
        self._lock = threading.Lock()

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            raise LiveSourceUnavailable(f"live figures unavailable: KPI folder {self.folder} does not exist")
        return sorted(
            p
            for p in self.folder.iterdir()
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
        )

    def _fresh(self, path: Path) -> TableRead:
        stat = path.stat()
        cached = self._cache.get(path)
        if cached is not None and (cached.mtime_ns, cached.size) == (stat.st_mtime_ns, stat.st_size):
            if stat.st_mtime_ns < cached.read_ns - RACY_WINDOW_NS or _digest(path) == cached.digest:
                return cached.table
        read_ns = time.time_ns()
        digest = _digest(path)
        table = read_table(path, self.catalogue, loaded_at=modified_at(path))
        self._cache[path] = _Cached(stat.st_mtime_ns, stat.st_size, digest, read_ns, table)
        return table

    def read(self) -> TableRead:
        """All rows of all files; unchanged files come from the cache."""
        observations: list[KpiObservation] = []
        errors: list[RowError] = []
        with self._lock:
            files = self.files()
            for path in files:
                try:
                    table = self._fresh(path)
                except FileNotFoundError:  # removed between listing and reading
                    continue
                observations.extend(table.observations)
                errors.extend(table.errors)
            for gone in set(self._cache) - set(files):
                del self._cache[gone]
        return TableRead(observations, errors)
