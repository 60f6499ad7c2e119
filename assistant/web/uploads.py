"""Uploaded papers: sanitised names, a size limit, one ``Assistant.ingest`` call.

    result = ingest_upload(assistant, settings, upload.filename, upload.file, access="public")

The file lands in ``settings.uploads_dir/<sha256[:12]>/<safe name>``: the same paper
uploaded twice is ``unchanged``, a new version under the same name is ``updated``
(the document id comes from the file name), and a file that fails to ingest is removed
without touching earlier uploads.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

from ..config import Principal, Settings
from ..errors import AccessDenied, BadRequest, IngestError
from ..service import Assistant
from ..types import IngestResult

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024


class UploadTooLarge(BadRequest):
    status = 413

    def __init__(self) -> None:
        super().__init__(
            "file", f"is larger than the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB limit"
        )


def safe_filename(name: str | None) -> str:
    """A plain ASCII file name, no directories, no leading dot; keeps the suffix.

    >>> safe_filename("../../etc/Minutes 21 Jan (final).PDF")
    'Minutes-21-Jan-final-.PDF'
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:100] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10]
    return f"{stem}.{suffix}" if suffix else stem


def allowed_access_labels(principal: Principal) -> list[str]:
    """Labels a caller may give an upload: ``public`` and their own groups."""
    return ["public", *sorted(g for g in principal.groups if g not in ("public", "*"))]


def ingest_upload(
    assistant: Assistant,
    settings: Settings,
    filename: str | None,
    stream: BinaryIO,
    *,
    access: str = "public",
    principal: Principal,
) -> IngestResult:
    """Save, ingest and return the result; raise ``IngestError`` (422) when it fails."""
    access = (access or "public").strip()
    if "*" not in principal.groups and access not in allowed_access_labels(principal):
        raise AccessDenied(f"you cannot label a paper {access!r}")
    if not filename:
        raise BadRequest("file", "choose a file to upload")
    name = safe_filename(filename)
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)

    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=settings.uploads_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise UploadTooLarge()
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise IngestError(name, "the file is empty")
        folder = settings.uploads_dir / digest.hexdigest()[:12]
        created = not folder.exists()
        folder.mkdir(exist_ok=True)
        target = folder / name
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)

    try:
        results = assistant.ingest([target], access=access)
        if not results:
            raise IngestError(name, "this type of file cannot be read")
        if results[0].status == "failed":
            raise IngestError(name, results[0].reason or "the file could not be read")
    except Exception:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return results[0]
