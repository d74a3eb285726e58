"""Storing accepted actuals all or nothing, with originals, a submissions log, and revert.

Layout inside a data directory:
    actuals/sub-000012.csv                 canonical UTF-8 rows of submission 12 (loaded)
    progress/update-000003.csv             work-plan progress submission 3 (loaded)
    submissions/originals/sub-000012_<name> the file exactly as the analyst gave it
    submissions/reverted/sub-000012.csv    a reverted submission's rows (no longer loaded)
    submissions/log.csv, progress_log.csv  who, when, which file, how many rows, checksum, status
    submissions/published/pub-000002.zip  a plan publication: the definition files it replaced, before and after
    submissions/plans_log.csv              its log (the draft published, who, when, status)
    rejected/<time>_<name> and .json       refused files with their report (nothing else changes)
    .lock, .unfinished                     the write lock; a write under way (or killed: recover finishes it)
Writes happen under an exclusive lock (.lock) and by temporary file + rename, so two
analysts never interleave and a reader never sees half a file. A store or revert is
committed by writing its log entry: killed before that, the next reader or writer removes
what it wrote; killed after, it finishes the one rename left. A publication replaces whole definition files
(targets.csv, tasks.csv, plans.csv, a plan document): their new versions wait beside them as .staged-pub-N-…
until the log entry commits them, then each is renamed into place (recovery renames what is left).
Readers never wait for the lock, and see a submission as active only while its rows are loaded.

The parts: ledgers.py (the kinds of submission, their logs as written, file names, errors), writes.py (the lock, atomic
writes, the commit and recovery), submissions.py (actuals and progress: check, store, keep refused, revert),
publications.py (plan publications and their revert). `from lib import store` gives every public name of them.
"""

import importlib

from lib.store.ledgers import (
    ACTUALS,
    CANONICAL_COLUMNS,
    LEDGERS,
    LOG_COLUMNS,
    NAME_BYTES,
    PENDING_PREFIX,
    PLANS,
    PROGRESS,
    STAGED,
    STAGED_FOLDERS,
    Ledger,
    NonFiniteValue,
    NotPermitted,
    StoreError,
    SubmissionNotActive,
    log_path,
    safe_name,
)
from lib.store.publications import Publication, publication_manifest, publish_files, revert_publication
from lib.store.writes import UNFINISHED, active_submission, atomic_write, locked, read_log, recover, settle

# submissions.py checks a file against the data already loaded (lib.dataset), and lib.dataset reads through
# writes.settle: its names are imported on first use, so lib.dataset may import lib.store.writes with no circle.
_SUBMISSIONS = ("Outcome", "build_context", "canonical_csv", "checks_file", "context_from", "import_file",
                "keep_rejected", "revert", "store_accepted", "submission_checks", "validate")


def __getattr__(name: str):
    """Return submissions.py or one of its names (imported on first use, see above)."""
    if name in _SUBMISSIONS or name == "submissions":
        submissions = importlib.import_module("lib.store.submissions")
        return submissions if name == "submissions" else getattr(submissions, name)
    raise AttributeError(f"module 'lib.store' has no attribute {name!r}")


__all__ = [
    "ACTUALS", "CANONICAL_COLUMNS", "LEDGERS", "LOG_COLUMNS", "NAME_BYTES", "PENDING_PREFIX", "PLANS", "PROGRESS",
    "STAGED", "STAGED_FOLDERS", "UNFINISHED", "Ledger", "NonFiniteValue", "NotPermitted", "Outcome", "Publication",
    "StoreError", "SubmissionNotActive", "active_submission", "atomic_write", "build_context", "canonical_csv",
    "checks_file", "context_from", "import_file", "keep_rejected", "locked", "log_path", "publication_manifest",
    "publish_files",
    "read_log", "recover", "revert", "revert_publication", "safe_name", "settle", "store_accepted",
    "submission_checks", "validate",
]
