"""Command-line interface: ``flask --app pollservice COMMAND``."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .domain.errors import ServiceError
from .services.demo import DEMO_SETS, database_is_empty, load_demo
from .services.exporting import iter_csv, iter_json
from .services.imports import formats, import_text, read_text
from .services.imports.race_results import import_race_results
from .services.imports.rows import ImportRejected
from .services.pollster_identity import merge_pollsters, resolve_pollsters
from .services.races import rename_race
from .services.recomputes import recompute_progress, recompute_targets, run_queued_here
from .services.tokens import create_token, revoke_token
from .services.users import create_admin, find_user, set_role
from .services.webhooks import EVENTS, deliveries, list_endpoints, register_endpoint


def init_app(app: Flask) -> None:
    for command in (create_admin_command, load_demo_command, import_polls_command,
                    export_polls_command, create_token_command, revoke_token_command,
                    merge_pollsters_command, add_webhook_command, list_webhooks_command,
                    set_role_command, rename_race_command, import_results_command):
        app.cli.add_command(command)


class ServiceCommand(click.Command):
    """A command whose service errors end it as ``Error: message (field: problem)`` with
    exit status 1 (``click.ClickException``), never with a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ServiceError as error:
            details = "; ".join(f"{field}: {problem}" for field, problem in error.fields.items())
            raise click.ClickException(f"{error.message} ({details})" if details else error.message) from None


@click.command("create-admin", cls=ServiceCommand)
@with_appcontext
@click.argument("name")
def create_admin_command(name: str) -> None:
    """Create an admin user NAME. The password comes from POLLSERVICE_ADMIN_PASSWORD when
    set, else from a prompt (typed twice, not echoed)."""
    password = os.environ.get("POLLSERVICE_ADMIN_PASSWORD")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = create_admin(name, password)
    click.echo(f"Created admin {user.username!r}.")


@click.command("set-role", cls=ServiceCommand)
@with_appcontext
@click.argument("name")
@click.argument("role")
def set_role_command(name: str, role: str) -> None:
    """Give the account NAME the ROLE admin, editor or reviewer (its sessions go on)."""
    user = set_role(name, role, actor="cli")
    click.echo(f"{user.username!r} is now a {user.role}.")


@click.command("load-demo", cls=ServiceCommand)
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no question yet.")
@click.option("--set", "sets", multiple=True, type=click.Choice(DEMO_SETS),
              help="Load only this demo set (repeatable); default: all of them.")
def load_demo_command(if_empty: bool, sets: tuple[str, ...]) -> None:
    """Load the demo data: the seed (Calexit), Trump approval (2017) and the 2020
    presidential election with its results. Running it twice adds nothing."""
    if if_empty and not database_is_empty():
        click.echo("The database already holds questions; demo data not loaded.")
        return
    for summary in load_demo(sets or DEMO_SETS):
        click.echo(f"{summary.source_name}: {_summary_line(summary.as_dict())}")


@click.command("import-polls", cls=ServiceCommand)
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", *formats.names()]), default="auto",
              show_default=True, help="The file's format; auto: recognised from its header.")
@click.option("--question", metavar="SLUG",
              help="Approval lists: the question the polls go into (default: from the "
                   "president, e.g. trump-approval). Other formats: import only this question.")
@click.option("--dry-run", is_flag=True,
              help="Report what would be added, updated and rejected; write nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows and list the invalid ones (default: one invalid "
                   "row rejects the whole file).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--wait/--no-wait", default=None,
              help="After the import, show the workers' recomputes of the touched questions "
                   "until they are done (default: on a terminal).")
def import_polls_command(file: Path, fmt: str, question: str | None, dry_run: bool,
                         skip_invalid: bool, as_json: bool, wait: bool | None) -> None:
    """Import polls from FILE: a canonical CSV or JSON export, or FiveThirtyEight's approval
    poll list, polls-page CSVs or raw-polls.csv (see README). Atomic: one bad row stops the
    import, reports FILE:LINE: field: message, and writes nothing. Importing the same file
    twice adds nothing; a changed row updates its poll (recorded in the audit trail)."""
    terminal = sys.stderr.isatty()

    def progress(rows, total_lines):
        with click.progressbar(length=total_lines, label=f"Reading {file.name}",
                               file=sys.stderr) as bar:
            done = 1
            for row in rows:
                if row.line > done:
                    bar.update(row.line - done)
                    done = row.line
                yield row
            bar.update(max(total_lines - done, 0))

    def phase(name: str) -> None:
        click.echo(f"{name[:1].upper()}{name[1:]}...", err=True)

    try:
        text = read_text(file)
        summary = import_text(text, file.name, fmt, question, dry_run=dry_run,
                              skip_invalid=skip_invalid, actor=f"import:{file.name}",
                              wrap_rows=progress if terminal else None,
                              on_phase=phase if terminal else None)
    except ImportRejected as error:
        refusal = _refusal(file, error)
        if as_json:
            report = error.summary.as_dict() if error.summary else {
                "file": file.name, "problems": [p.as_dict() for p in error.problems]}
            click.echo(json.dumps({**report, "imported": False}))
        raise refusal from None
    _echo_problems(file, summary.problems)
    _echo_problems(file, summary.warnings, "warning: ")
    would_fail = bool(dry_run and summary.problems and not skip_invalid)
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "imported": not dry_run}))
    else:
        click.echo(_import_report(summary, would_fail))
    if would_fail:
        sys.exit(1)
    if not dry_run and (terminal if wait is None else wait):
        try:
            wait_for_recomputes(summary.question_ids)
        except SQLAlchemyError as error:  # the import is committed: say so, do not fail
            click.echo(f"warning: the import is committed, but the database stopped answering "
                       f"({type(error).__name__}); the workers' sweep will queue the recomputes "
                       "within a minute.", err=True)


def _refusal(file: Path, error: ImportRejected) -> click.ClickException:
    """A rejected file's problems, each as FILE:LINE: field: message, and the error that ends
    the command."""
    _echo_problems(file, error.problems)
    return click.ClickException(f"{len(error.problems)} problem(s) in {file}; nothing was imported.")


def _echo_problems(file: Path, problems, kind: str = "") -> None:
    for problem in problems:
        where = f" [{problem.ref}]" if problem.ref else ""
        click.echo(f"{file}:{problem.line}: {kind}{problem.field}: {problem.message}{where}",
                   err=True)


def _import_report(summary, would_fail: bool) -> str:
    lines = [_summary_line(summary.as_dict()),
             f"  {summary.rows} rows: {summary.added} added, {summary.merged} merged "
             f"({summary.updated} updated, {summary.unchanged} unchanged), "
             f"{len(summary.warnings)} warnings; {summary.seconds:.1f} s, "
             f"peak memory {summary.peak_memory_mb:.0f} MB"
             + (" (" + ", ".join(f"{k} {v:.1f} s" for k, v in summary.timings.items()) + ")"
                if summary.timings else "")]
    if summary.created_races:
        lines.append(f"  new races: {len(summary.created_races)}")
    for reason, count in summary.skipped.most_common():
        lines.append(f"  skipped {count}: {reason}")
    if summary.created_pollsters:
        names = sorted(summary.created_pollsters.values(), key=str.casefold)
        lines.append(f"  new pollsters ({len(names)}): " + ", ".join(names[:20])
                     + (f" and {len(names) - 20} more" if len(names) > 20 else ""))
    if summary.created_questions:
        created = summary.created_questions
        lines.append("  new questions: " + ", ".join(created[:20])
                     + (f" and {len(created) - 20} more" if len(created) > 20 else ""))
    if summary.questions:
        changed = sorted(summary.questions)
        lines.append("  questions changed: " + ", ".join(changed[:20])
                     + (f" and {len(changed) - 20} more" if len(changed) > 20 else ""))
    if summary.dry_run:
        lines.append("Dry run: nothing was written."
                     + (" The import would fail: fix the rows above or use --skip-invalid."
                        if would_fail else ""))
    return "\n".join(lines)


@click.command("import-results", cls=ServiceCommand)
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be set; write nothing.")
def import_results_command(file: Path, dry_run: bool) -> None:
    """Set election results from FILE, a file of results alone: The Economist's
    potus_results_76_16.csv (year, state, dem, rep as fractions of the vote), on the
    presidential races the store holds (import their polls first). Atomic: one bad row
    reports FILE:LINE: field: message and writes nothing."""
    try:
        summary = import_race_results(read_text(file), file.name, dry_run=dry_run)
    except ImportRejected as error:
        raise _refusal(file, error) from None
    click.echo(f"{summary.rows} rows: results set on {len(summary.races)} races ({summary.changed} added or "
               f"changed); {summary.not_held} rows of races the store does not hold")
    for missing in summary.no_candidate:
        click.echo(f"warning: no candidate of that party in {missing}", err=True)
    if dry_run:
        click.echo("Dry run: nothing was written.")


@click.command("export-polls", cls=ServiceCommand)
@with_appcontext
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help="canonical CSV or JSON (both re-importable).")
@click.option("--question", "slug", metavar="SLUG", help="Only this question's polls.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export_polls_command(fmt: str, slug: str | None, output: Path | None) -> None:
    """Write polls (deleted ones left out) as canonical CSV or JSON, each with its weight
    and house-effect adjustment in the current kalman average."""
    chunks = iter_json(slug) if fmt == "json" else iter_csv(slug)  # streamed, in batches
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    partial = output.with_name(output.name + ".partial")  # a failed export leaves no file
    try:
        with partial.open("w", encoding="utf-8") as file:
            file.writelines(chunks)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {output}.", err=True)


def _summary_line(summary: dict) -> str:
    line = (f"added {summary['added']}, updated {summary['updated']}, "
            f"unchanged {summary['unchanged']}, rejected {summary['rejected']}")
    if summary.get("skipped"):
        line += f", skipped {summary['skipped']}"
    return line


@click.command("create-token", cls=ServiceCommand)
@click.argument("name")
@click.option("--expires-in", type=click.IntRange(min=1), default=None, metavar="DAYS",
              help="Days until the token stops working (default: never).")
@click.option("--scope", type=click.Choice(["read", "write"]), default="write", show_default=True)
@click.option("--question", "questions", multiple=True, metavar="SLUG",
              help="A question the token may write (repeatable; default: every question).")
@click.option("--race", "races", multiple=True, metavar="SLUG",
              help="A race whose questions the token may write (repeatable).")
@click.option("--user", "username", default=None, metavar="NAME",
              help="The account it acts for: it does no more than the account's role, and "
                   "stops when the account is disabled (default: a service token).")
@with_appcontext
def create_token_command(name: str, expires_in: int | None, scope: str, questions: tuple[str, ...],
                         races: tuple[str, ...], username: str | None) -> None:
    """Create an API token NAME. The token is printed once, alone on the last line; only
    its hash is stored."""
    user = find_user(username) if username else None
    record, token = create_token(name, expires_in, scope=scope, questions=questions, races=races,
                                 user=user)
    expiry = f", expires {record.expires_at:%Y-%m-%d %H:%M} UTC" if record.expires_at else ""
    click.echo(f"Created token {record.name!r}{expiry}. Store it now; it is not shown again:")
    click.echo(token)


@click.command("revoke-token", cls=ServiceCommand)
@click.argument("name")
@with_appcontext
def revoke_token_command(name: str) -> None:
    """Revoke the API token NAME; requests with it get 401 from now on."""
    record = revoke_token(name)
    click.echo(f"Revoked token {record.name!r}.")


@click.command("merge-pollsters", cls=ServiceCommand)
@with_appcontext
@click.argument("survivor")
@click.argument("merged", nargs=-1, required=True)
def merge_pollsters_command(survivor: str, merged: tuple[str, ...]) -> None:
    """Merge the MERGED pollsters into SURVIVOR (slugs, names or aliases): their polls,
    audit entries and aliases move to it, their names become its aliases, their pages
    redirect to its page. All in one transaction: one unknown name merges nothing."""
    kept = resolve_pollsters([survivor], field="survivor")[0]
    records = merge_pollsters(kept, resolve_pollsters(merged, field="merged"), actor="cli")
    for record in records:
        click.echo(f"Merged {record.merged_name!r} into {kept.name!r}: {record.polls_moved} "
                   f"poll{'s' if record.polls_moved != 1 else ''} moved.")


@click.command("rename-race", cls=ServiceCommand)
@with_appcontext
@click.argument("slug")
@click.argument("new_slug")
def rename_race_command(slug: str, new_slug: str) -> None:
    """Give the race SLUG the slug NEW_SLUG; its old links and embeds redirect (301)."""
    race = rename_race(slug, new_slug)
    click.echo(f"Renamed race {slug!r} to {race.slug!r}; the old slug redirects there.")


# Stop waiting when no recompute has finished for this long (no worker running?).
STALLED_SECONDS = 60.0


def wait_for_recomputes(question_ids) -> None:
    """A progress bar of the workers' recomputes of ``question_ids`` (to the data version
    each has now), on standard error; it gives up, saying so, when nothing moves."""
    targets = recompute_targets(question_ids)
    if not targets:
        return
    run_queued_here()
    done = failed = 0
    moved = time.monotonic()
    with click.progressbar(length=len(targets), label="Recomputing averages", file=sys.stderr) as bar:
        while done + failed < len(targets):
            now_done, now_failed = recompute_progress(targets)
            if now_done + now_failed > done + failed:
                bar.update(now_done + now_failed - done - failed)
                done, failed, moved = now_done, now_failed, time.monotonic()
            elif time.monotonic() - moved > STALLED_SECONDS:
                break
            time.sleep(0.5)
    left = len(targets) - done - failed
    message = f"{done} of {len(targets)} question(s) recomputed"
    if failed:
        message += f", {failed} failed (see /healthz and the worker's log)"
    if left:
        message += (f"; {left} still queued: no recompute finished in {STALLED_SECONDS:.0f} s. Is a "
                    "worker running? (flask --app pollservice worker)")
    click.echo(message + ".", err=True)


@click.command("add-webhook", cls=ServiceCommand)
@click.argument("url")
@click.option("--event", "events", multiple=True, type=click.Choice(EVENTS), default=EVENTS,
              show_default=True, help="An event the endpoint takes (repeat; default: all).")
@click.option("--question", "questions", multiple=True, metavar="SLUG",
              help="Only this question's events (repeat; default: every question).")
@click.option("--race", "races", multiple=True, metavar="SLUG", help="Only this race's questions (repeat).")
@with_appcontext
def add_webhook_command(url: str, events: tuple[str, ...], questions: tuple[str, ...],
                        races: tuple[str, ...]) -> None:
    """Register a webhook endpoint URL. Its signing secret is printed once, alone on the
    last line."""
    endpoint, secret = register_endpoint(url, events, questions, races)
    click.echo(f"Created webhook endpoint {endpoint.id} for {', '.join(endpoint.events)}. "
               "Store its secret now; it is not shown again:")
    click.echo(secret)


@click.command("list-webhooks", cls=ServiceCommand)
@click.option("--log", "show_log", is_flag=True, help="Also print the newest delivery attempts.")
@with_appcontext
def list_webhooks_command(show_log: bool) -> None:
    """The webhook endpoints, their state (a disabled one says why) and, with --log, the
    delivery log."""
    for e in list_endpoints():
        state = "active" if e.active else f"disabled: {e.disabled_reason}"
        click.echo(f"{e.id}\t{e.url}\t{','.join(e.events)}\t{state}")
    if show_log:
        for d in deliveries():
            click.echo(f"{d.attempted_at:%Y-%m-%d %H:%M:%S}\t{d.endpoint_id}\t{d.event}\tattempt {d.attempt}"
                       f"\t{d.status_code or '-'}\t{'ok' if d.ok else d.error}")
