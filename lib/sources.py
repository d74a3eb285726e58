"""Where the numbers come from, in the reader's words: the plan's document number, the last submission, the folder."""

from __future__ import annotations

from lib import store
from lib.dataset import Dataset
from lib.i18n import t
from lib.plans import plan_for


def plan_document(ds: Dataset, year: int, lang: str = "zh") -> str | None:
    """Return the year's plan as a slide cites it (its 文号, from data/plans.csv), or None when none is recorded."""
    plan = plan_for(ds.catalog, year)
    return plan.reference(lang) if plan.recorded else None


def last_submission(ds: Dataset) -> dict | None:
    """Return the newest submission still counted (its log entry: id, submitted_at, user, …), or None."""
    log = store.read_log(ds.data_dir)
    active = log[log["status"] == "active"] if "status" in log else log
    return None if active.empty else active.iloc[0].to_dict()


def data_source(ds: Dataset, lang: str = "zh") -> str:
    """Return where the actuals come from: the last submission (number, date, who), else sample data or files."""
    entry = last_submission(ds)
    if entry is not None:
        return t("source_submission", lang, id=entry["id"], date=str(entry["submitted_at"])[:10], user=entry["user"])
    if ds.is_sample:
        return t("source_sample", lang)
    return t("source_files", lang, files=sum(1 for r in ds.reports if r.accepted))


def source_line(ds: Dataset, year: int, lang: str = "zh") -> str:
    """Return the source line of a slide or exported picture: the data's last submission and the plan's number."""
    document = plan_document(ds, year, lang)
    data = data_source(ds, lang)
    return t("source_line", lang, data=data, plan=document) if document else t("source_data_only", lang, data=data)


def footer_source(ds: Dataset, year: int, lang: str = "zh") -> str:
    """Return the overview's footer: where the figures come from (folder, files) and the plan the targets rest on."""
    files = sum(r.accepted for r in ds.reports)
    return t("footer_source", lang, source=ds.actuals_label, files=files,
             plan=plan_for(ds.catalog, year).citation(lang))
