"""The `assistant` command: a thin edge over ``Assistant``.

Each command parses its options, makes one service call and renders the result,
as text for people or as JSON with ``--json``. Known errors print one line on
stderr and exit 1. Heavy imports wait until a command needs them, so ``--help``
is instant.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from evals.splits import SPLITS

from .errors import AssistantError

for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ.setdefault(_name, _value)


class _Group(click.Group):
    """Turns the assistant's own errors into one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            raise click.ClickException(str(exc)) from exc


def _service(ctx: click.Context):
    from .service import Assistant

    obj = ctx.find_root().obj
    if "assistant" not in obj:
        obj["assistant"] = Assistant(obj["settings"])
    return obj["assistant"]


def _dump(data: Any) -> str:
    def default(value: Any) -> Any:
        if hasattr(value, "model_dump"):
            return value.model_dump(mode="json")
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, Path):
            return str(value)
        raise TypeError(type(value).__name__)

    return json.dumps(data, default=default, indent=2, ensure_ascii=False)


@click.group(cls=_Group)
@click.option("--home", type=click.Path(path_type=Path), help="State folder (default: $ASSISTANT_HOME or ./.assistant)")
@click.version_option(package_name="council-papers-assistant")
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """Assistant and document search over council papers."""
    from .config import Settings

    obj = ctx.ensure_object(dict)
    if "settings" in obj and home is None:  # embedded use (tests): settings given
        return
    try:
        obj["settings"] = Settings(home=home) if home else Settings()
    except AssistantError:
        raise
    except Exception as exc:  # pydantic ValidationError: name the field
        raise click.ClickException(f"configuration: {exc}") from exc
    obj.pop("assistant", None)


# --- ingest -----------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON")
@click.option("--access", default=None, help="Access label (group) for these documents; default public")
@click.option("--if-needed", is_flag=True, help="Do nothing when documents are already indexed")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, access: str | None, if_needed: bool) -> None:
    """Index files or folders of papers (PDF, DOCX, HTML, TXT, Markdown).

    Unchanged files are skipped, changed ones replaced. A file that cannot be read
    is reported as failed with its reason; the rest are still indexed.
    """
    service = _service(ctx)
    if if_needed and service.is_indexed():
        click.echo("Index already holds documents; nothing to do (run without --if-needed to refresh).")
        return
    results = service.ingest(list(paths), progress=not as_json and sys.stderr.isatty(), access=access)
    if as_json:
        click.echo(_dump({"results": results}))
    else:
        for r in results:
            line = f"{r.status:9} {r.source}"
            if r.status == "failed":
                line += f"  ({r.reason})"
            elif r.status in ("indexed", "updated"):
                line += f"  {r.pages} pages, {r.chunks} chunks"
            click.echo(line)
        counts: dict[str, int] = {}
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
        click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no files found")
    if not results or all(r.status == "failed" for r in results):
        ctx.exit(1)


@main.command()
@click.argument("doc_ids", nargs=-1, required=True)
@click.pass_context
def purge(ctx: click.Context, doc_ids: tuple[str, ...]) -> None:
    """Remove documents (by id) from the index."""
    removed = _service(ctx).purge(doc_ids)
    for doc_id in doc_ids:
        click.echo(f"{'purged' if doc_id in removed else 'not found':9} {doc_id}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def documents(ctx: click.Context, as_json: bool) -> None:
    """List the indexed documents."""
    docs = _service(ctx).documents()
    if as_json:
        click.echo(_dump({"documents": docs}))
        return
    for d in docs:
        click.echo(f"{d['doc_id']:50} {d.get('doc_type') or '':18} {d.get('date') or '':10} {d.get('pages', 0):4}p  {d['title']}")


# --- search and ask -------------------------------------------------------------------
@main.command()
@click.argument("query")
@click.option("-k", "k", type=int, default=None, help="Number of results (default 5)")
@click.option("--type", "doc_type", default=None, help="Document type, e.g. foi_response, agenda_pack")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Papers dated on or after YYYY-MM-DD")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Papers dated on or before YYYY-MM-DD")
@click.option("--council", default=None, help="Council name, e.g. 'Leicester City Council'")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx, query, k, doc_type, since, until, council, as_json) -> None:
    """Search the papers; every hit names its document and page."""
    from .types import SearchFilters

    filters = SearchFilters(
        doc_type=doc_type,
        since=since.date() if since else None,
        until=until.date() if until else None,
        council=council,
    )
    hits = _service(ctx).search(query, k=k, filters=filters)
    if as_json:
        click.echo(_dump({"hits": hits}))
        return
    if not hits:
        click.echo("No matching passages.")
    for i, h in enumerate(hits, 1):
        where = f"p.{h.page}" if h.page else ""
        click.echo(f"[{i}] {h.title} ({h.source} {where}) score {h.score:.3f}")
        click.echo("    " + " ".join(h.text.split())[:300])


@main.command()
@click.argument("question")
@click.option("--conversation", "conversation_id", default=None, help="Continue a conversation")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ask(ctx, question: str, conversation_id: str | None, as_json: bool) -> None:
    """Answer a question from the papers, with page-level citations."""
    answer = _service(ctx).ask(question, conversation_id=conversation_id)
    if as_json:
        click.echo(_dump(answer))
        return
    click.echo(answer.answer)
    if answer.citations:
        click.echo("")
        for c in answer.citations:
            where = f", p.{c.page}" if c.page else ""
            click.echo(f"[{c.n}] {c.title} ({c.source}{where}): \"{' '.join(c.quote.split())[:200]}\"")
    for note in answer.notes:
        click.echo(f"Note: {note}")
    click.echo(f"\n(conversation {answer.conversation_id})", err=True)


@main.command("foi-draft")
@click.argument("request_file", type=click.File("r"))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def foi_draft(ctx, request_file, as_json: bool) -> None:
    """Draft an FOI response from a request (a file, or - for stdin)."""
    result = _service(ctx).foi_draft(request_file.read())
    click.echo(_dump(result) if as_json else result["draft"])


# --- KPIs -----------------------------------------------------------------------------
@main.group()
def kpi() -> None:
    """Key performance indicators: live files and figures published in the papers."""


@kpi.command("load")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def kpi_load(ctx, path: Path, as_json: bool) -> None:
    """Load a CSV/XLSX of observations (metric,area,period_end,value,unit,source)."""
    report = _service(ctx).load_kpis(path)
    if as_json:
        click.echo(_dump(report))
        return
    click.echo(f"loaded {report.get('loaded', 0)} observations from {path.name}")
    for err in report.get("errors", []):
        click.echo(f"  skipped {err['file']} line {err['line']}: {err['error']}", err=True)
    if not report.get("loaded") and report.get("errors"):
        ctx.exit(1)


@kpi.command("list")
@click.option("--metric", default=None)
@click.option("--area", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def kpi_list(ctx, metric: str | None, area: str | None, as_json: bool) -> None:
    """List observations (or the metric catalogue when no filter is given)."""
    service = _service(ctx)
    if metric is None and area is None and not as_json:
        for m in service.list_metrics():
            click.echo(f"{m['name']:30} {m.get('unit', ''):8} {m.get('definition', '')}")
        return
    obs = service.kpi_observations(metric=metric, area=area)
    if as_json:
        click.echo(_dump({"observations": obs}))
        return
    for o in obs:
        click.echo(f"{o.metric:28} {o.area:16} {o.period_end} {o.value:>14,.2f} {o.unit:6} {o.kind:9} {o.source}")


# --- serve and eval -------------------------------------------------------------------------
@main.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1)")
@click.option("--port", type=int, default=None, help="Port (default $ASSISTANT_PORT or 8000)")
@click.pass_context
def serve(ctx, host: str | None, port: int | None) -> None:
    """Serve the web app and the HTTP API."""
    import uvicorn

    from .web.app import check_bind_safety, create_app

    settings = ctx.obj["settings"]
    updates = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if updates:
        settings = settings.model_copy(update=updates)
    check_bind_safety(settings)
    click.echo(f"Serving on http://{settings.host}:{settings.port}", err=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


@main.command("eval")
@click.option("--split", type=click.Choice([*SPLITS, "all"]), default="all")
@click.option("--no-peers", is_flag=True, help="Skip the BM25 / dense / LlamaIndex-default comparison")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_(ctx, split: str, no_peers: bool, as_json: bool) -> None:
    """Run the evaluation report; writes Markdown, JSON and a chart under ASSISTANT_HOME/reports."""
    from evals.run import run_report

    report = run_report(ctx.obj["settings"], split=split, peers=not no_peers, service=_service(ctx))
    click.echo(_dump(report["summary"]) if as_json else report["markdown"])


if __name__ == "__main__":  # pragma: no cover
    main()
