"""Plan publications: whole definition files (targets.csv, tasks.csv, plans.csv, a plan document) replaced together
under the store's lock, their previous versions kept in the publication's bundle, and put back by its revert."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import audit
from lib.access import Action, Principal, require
from lib.store import writes
from lib.store.ledgers import (
    PENDING_PREFIX,
    PLANS,
    STAGED,
    NotPermitted,
    StoreError,
    active_entry,
    next_id,
    raw_log,
    safe_name,
)


@dataclass
class Publication:
    """What a publication writes: new versions of definition files (path relative to the data directory → bytes),
    what the log records (rows, warnings) and what its bundle's manifest says besides (the year, say)."""

    files: dict[str, bytes]
    rows: int
    warnings: int
    meta: dict


def _staged(data_dir: Path, sid: str, action: str, relative: str) -> Path:
    """Return where a publication's file waits: beside the file it is for, under a name readers skip."""
    path = data_dir / relative
    return path.with_name(f".staged-{PLANS.prefix}{sid}-{action}.{path.name}")


def _apply_staged(staged: list[tuple[Path, Path | None]]) -> None:
    """Rename each staged file onto its target (a removal: delete the target); raise StoreError if the disk refuses
    (the marker stays, and the next reader or writer finishes what is left)."""
    try:
        for waiting, target in staged:
            if target is None:  # a removal marker: its name says which file goes
                found = STAGED.match(waiting.name)
                (waiting.parent / found.group(3)).unlink(missing_ok=True)
                waiting.unlink()
            else:
                os.replace(waiting, target)
    except OSError as exc:
        raise StoreError("store_unfinished", detail=writes.os_failure(exc, waiting).message("en")) from exc


def publish_files(data_dir: Path, original: str, data: bytes, build, by: Principal,
                  now: dt.datetime | None = None) -> tuple[str, Publication]:
    """Replace definition files all or nothing under the lock and log it; return (submission id, what was written).

    build(data_dir) runs under the lock, reads the current files and returns the Publication (or raises to refuse:
    nothing is written then). The files' previous versions and the new ones are kept in the submission's bundle, so
    revert_publication can put the previous ones back. Raise NotPermitted, before anything is read, when the principal
    may not publish (lib/access.py)."""
    require(by, Action.PUBLISH, NotPermitted)
    data_dir = Path(data_dir)
    original = safe_name(original)
    now = now or dt.datetime.now().replace(microsecond=0)
    with writes.locked(data_dir):
        publication = build(data_dir)
        sid = next_id(data_dir, PLANS)
        stored = f"{PLANS.prefix}{sid}.zip"
        bundle = _bundle(data_dir, publication)
        entry = {"id": sid, "submitted_at": now.isoformat(), "user": by.name, "original_name": original,
                 "stored_file": stored, "rows": str(publication.rows), "warnings": str(publication.warnings),
                 "sha256": hashlib.sha256(data).hexdigest(), "status": "active", "reverted_at": "", "reverted_by": ""}
        original_path = data_dir / "submissions" / "originals" / f"{PLANS.prefix}{sid}_{original}"
        pending = data_dir / PLANS.folder / f"{PENDING_PREFIX}{stored}"
        staged = [(_staged(data_dir, sid, "publish", rel), data_dir / rel) for rel in publication.files]
        written = [original_path, pending, *(waiting for waiting, _ in staged)]
        log = raw_log(data_dir, PLANS)
        with writes.all_or_nothing(data_dir, written):
            writes.atomic_write(original_path, data)
            writes.atomic_write(pending, bundle)
            for (waiting, _), content in zip(staged, publication.files.values(), strict=True):
                writes.atomic_write(waiting, content)
            writes.reached("staged")
            writes.commit(data_dir, PLANS, pd.concat([log, pd.DataFrame([entry])], ignore_index=True), pending,
                          data_dir / PLANS.folder / stored)
            written.clear()  # committed: what is staged now goes into place, never away
            _apply_staged(staged)
        audit.record(data_dir, "publish", by, id=sid, file=original, year=publication.meta.get("year"))
    return sid, publication


def _bundle(data_dir: Path, publication: Publication) -> bytes:
    """Return a zip of the files a publication replaces as they are now (before/) and as it writes them (after/)."""
    buffer = io.BytesIO()
    existed = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for rel, content in publication.files.items():
            path = data_dir / rel
            existed[rel] = path.is_file()
            if existed[rel]:
                bundle.writestr(f"before/{rel}", path.read_bytes())
            bundle.writestr(f"after/{rel}", content)
        bundle.writestr("manifest.json", json.dumps({"files": existed, **publication.meta}, ensure_ascii=False))
    return buffer.getvalue()


def publication_manifest(data_dir: Path, stored_file: str) -> dict:
    """Return a publication's manifest (files it replaced, year…) from its bundle, loaded or reverted; {} if gone."""
    for folder in (Path(data_dir) / PLANS.folder, Path(data_dir) / "submissions" / "reverted"):
        try:
            with zipfile.ZipFile(folder / stored_file) as bundle:
                return json.loads(bundle.read("manifest.json"))
        except (OSError, KeyError, zipfile.BadZipFile, ValueError):
            continue
    return {}


def revert_publication(data_dir: Path, submission_id: str, by: Principal, now: dt.datetime | None = None) -> None:
    """Put back the definition files a publication replaced (the latest active one only: a later publication was
    made on top of it); its bundle moves to submissions/reverted.

    Raise SubmissionNotActive when it is reverted already, StoreError when it does not exist, is not the latest,
    or the disk refuses (nothing changed then), NotPermitted when the principal may not revert a publication
    (lib/access.py)."""
    require(by, Action.REVERT_PUBLICATION, NotPermitted)
    data_dir = Path(data_dir)
    now = now or dt.datetime.now().replace(microsecond=0)
    with writes.locked(data_dir):
        log = raw_log(data_dir, PLANS)
        i = active_entry(log, submission_id)
        later = [sid for sid, state in zip(log["id"], log["status"], strict=True)
                 if state == "active" and int(sid) > int(submission_id)]
        if later:
            raise StoreError("store_revert_later_first", id=submission_id, later=later[-1])
        stored = log.at[i, "stored_file"]
        source = data_dir / PLANS.folder / stored
        try:
            with zipfile.ZipFile(source) as bundle:
                manifest = json.loads(bundle.read("manifest.json"))
                before = {rel: bundle.read(f"before/{rel}") if existed else None
                          for rel, existed in manifest["files"].items()}
        except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
            raise StoreError("store_os_error", detail=str(exc), path=str(source)) from exc
        staged = [(_staged(data_dir, submission_id, "revert" if content is not None else "remove", rel),
                   data_dir / rel if content is not None else None) for rel, content in before.items()]
        after = log.copy()
        after.loc[i, ["status", "reverted_at", "reverted_by"]] = ["reverted", now.isoformat(), by.name]
        written = [waiting for waiting, _ in staged]
        with writes.all_or_nothing(data_dir, written):
            for (waiting, _), content in zip(staged, before.values(), strict=True):
                writes.atomic_write(waiting, content or b"")
            writes.reached("staged")
            target = data_dir / "submissions" / "reverted" / stored
            target.parent.mkdir(parents=True, exist_ok=True)
            writes.commit(data_dir, PLANS, after, source, target)
            written.clear()
            _apply_staged(staged)
        audit.record(data_dir, "plan_revert", by, id=submission_id)

