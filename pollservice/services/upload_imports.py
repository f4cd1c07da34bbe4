"""An admin upload: kept between its preview and its confirmation, then imported by a job
(Huey, ``pollservice.jobs.queue``), never in the request that confirms it.

Files, in ``instance/uploads/`` (the web process and the workers share the instance
folder, as they share the SQLite queue): ``<token>.upload`` (the file as uploaded) and
``<token>.json`` (its name, the chosen options, the admin, and once confirmed the job's
state). Confirming renames ``.upload`` to ``.importing`` (atomic), so a second
confirmation of the same upload finds nothing to import and is shown the first one's
progress; the job deletes ``.importing`` when it ends. Files left for a day are removed.

The job's state (``job`` in ``<token>.json``, rewritten atomically): ``queued``;
``running`` with the file's lines read so far of its total; ``done`` with the counts, the
questions touched and the data versions their recomputes must reach; ``failed`` with the
problems (file and line) and nothing written (the import is one transaction).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from ..domain.errors import ServiceError
from ..jobs import queue
from .imports import import_text
from .imports.rows import ImportRejected, ImportRow, ImportSummary
from .recomputes import recompute_targets_if_reachable

log = logging.getLogger(__name__)

TASK = "pollservice.upload_imports.task"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600
MAX_LINKED = 50  # questions linked from the progress page of an import
MAX_PROBLEMS = 20  # problems a failed import's state lists
PROGRESS_SECONDS = 1.0  # a running import rewrites its state at most this often


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def paths(token: str) -> tuple[Path, Path]:
    """The upload's file and its ``.json`` (``ValueError`` for a token that is not one)."""
    if not TOKEN.match(token):  # never a path from the request
        raise ValueError("bad upload token")
    folder = upload_folder()
    return folder / f"{token}.upload", folder / f"{token}.json"


def _importing(token: str) -> Path:
    return paths(token)[0].with_suffix(".importing")


def _write_json(path: Path, value: dict[str, Any]) -> None:
    """Replace the file at once: a reader sees the old state or the new, never half."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value), encoding="utf-8")
    os.replace(partial, path)


def store_upload(data: bytes, meta: dict[str, Any]) -> str:
    remove_stale()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = paths(token)
    data_path.write_bytes(data)
    _write_json(meta_path, meta)
    return token


def load_meta(token: str, user: str | None) -> dict[str, Any] | None:
    """The upload's ``.json``, if ``user`` owns it (None: unknown, expired, another's)."""
    try:
        meta = json.loads(paths(token)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if meta.get("user") == user else None


def load_upload(token: str, user: str | None) -> tuple[bytes, dict[str, Any]] | None:
    """The waiting (not yet confirmed) upload and its ``.json``."""
    meta = load_meta(token, user)
    if meta is None:
        return None
    try:
        return paths(token)[0].read_bytes(), meta
    except OSError:
        return None


def discard_upload(token: str) -> None:
    for path in (*paths(token), _importing(token)):
        path.unlink(missing_ok=True)


def remove_stale() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in upload_folder().iterdir():
        if path.suffix in (".upload", ".json", ".importing") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def confirm_import(token: str, user: str | None, username: str) -> str:
    """Queue the import of a waiting upload (the audit trail names ``username``); returns
    ``queued``, or ``confirmed`` when it was confirmed already (nothing more is queued),
    or ``missing``."""
    meta = load_meta(token, user)
    if meta is None:
        return "missing"
    try:
        os.rename(paths(token)[0], _importing(token))  # one confirmation wins
    except FileNotFoundError:
        return "confirmed" if "job" in meta else "missing"
    # A rename keeps the preview's mtime: refresh it, or remove_stale could delete a file
    # confirmed near the end of its KEEP_SECONDS while its job waits in the queue.
    os.utime(_importing(token))
    meta["actor"] = f"import:{meta['filename']} by user:{username}"
    meta["job"] = {"state": "queued", "queued_at": time.time()}
    _write_json(paths(token)[1], meta)
    queue.jobs().extensions[TASK](token)
    return "queued"


def job_state(token: str, user: str | None) -> dict[str, Any] | None:
    """The upload's ``.json`` with its job's state, if ``user`` owns it and confirmed it."""
    meta = load_meta(token, user)
    return meta if meta is not None and "job" in meta else None


def run_import(token: str) -> None:
    """The job: import the confirmed upload in one transaction, its state kept as it goes."""
    meta_path = paths(token)[1]
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = _importing(token).read_bytes()
    except (OSError, ValueError):
        log.warning("upload %s: nothing to import (discarded or expired)", token[:8])
        _mark_lost(meta_path)
        return
    state = meta["job"]

    def save(**changes: Any) -> None:
        state.update(changes, updated_at=time.time())
        _write_json(meta_path, meta)

    save(state="running", lines_done=0, lines_total=data.count(b"\n") + 1)
    try:
        summary = import_text(_decode(data), meta["filename"], meta["format"],
                              meta["question"] or None, skip_invalid=meta["skip_invalid"],
                              actor=meta["actor"], wrap_rows=_progress(save))
    except ImportRejected as error:
        save(state="failed", **_failure(meta["filename"], error))
    except (ValueError, ServiceError) as error:
        save(state="failed", error=f"{meta['filename']}: {getattr(error, 'message', error)}",
             problems=[])
    except Exception:
        log.exception("upload %s: the import failed", token[:8])
        save(state="failed", error=f"{meta['filename']}: the import failed (the worker's log "
                                   "says why); nothing was imported.", problems=[])
    else:
        save(state="done", lines_done=state["lines_total"], **_outcome(summary))
    finally:
        _importing(token).unlink(missing_ok=True)


def _mark_lost(meta_path) -> None:
    """A confirmed upload whose file is gone fails, so that its progress page stops saying
    "queued" (nothing was imported)."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if "job" in meta:
        meta["job"].update(state="failed", updated_at=time.time(), problems=[],
                           error=f"{meta.get('filename', 'the upload')}: the file was no longer "
                                 "kept when the import started; nothing was imported. Upload it again.")
        _write_json(meta_path, meta)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ValueError(f"line {line}: not UTF-8 text ({error.reason})") from None


def _progress(save: Callable[..., None]):
    """A ``wrap_rows`` that records the line reached, at most every ``PROGRESS_SECONDS``."""
    def wrap(rows: Iterable[ImportRow], total_lines: int) -> Iterator[ImportRow]:
        last = time.monotonic()
        save(lines_total=total_lines)
        for row in rows:
            yield row
            if time.monotonic() - last >= PROGRESS_SECONDS:
                save(lines_done=row.line)
                last = time.monotonic()
    return wrap


def _failure(filename: str, error: ImportRejected) -> dict[str, Any]:
    problems = [f"{filename}: line {p.location}: {p.field}: {p.message}"
                for p in error.problems[:MAX_PROBLEMS]]
    return {"error": error.message, "problems": problems,
            "more_problems": max(len(error.problems) - MAX_PROBLEMS, 0)}


def _outcome(summary: ImportSummary) -> dict[str, Any]:
    slugs = sorted(summary.questions)
    return {"added": summary.added, "updated": summary.updated,
            "unchanged": summary.unchanged, "rejected": summary.rejected,
            "skipped": sum(summary.skipped.values()),
            "warnings": [w.as_dict() | {"location": w.location} for w in summary.warnings[:5]],
            "warning_count": len(summary.warnings), "slugs": slugs[:MAX_LINKED],
            "more": max(len(slugs) - MAX_LINKED, 0),
            **_targets(summary.question_ids)}


def _targets(question_ids) -> dict[str, Any]:
    """The recomputes to follow; after the commit a database that stopped answering must
    not turn the committed import into a failure (the sweep queues what is behind)."""
    targets = recompute_targets_if_reachable(question_ids)
    if targets is None:
        return {"targets": {}, "targets_unknown": True}
    return {"targets": {str(k): v for k, v in targets.items()}}


def init_app(app: Flask) -> None:
    """Register the import task on the app's queue (the web process sends it, workers run it)."""
    jobs = queue.jobs(app)

    def run(token: str) -> None:
        with app.app_context():
            run_import(token)

    jobs.extensions[TASK] = jobs.huey.task(name="import_upload", priority=queue.RECOMPUTE_PRIORITY)(run)
