"""The start every page shares: app navigation, title, dataset, notices and the period it shows."""

from __future__ import annotations

import streamlit as st

from lib import access, backup, config, formats, store, upgrade
from lib.datafiles import DataFolderError, before_first_plan
from lib.dataset import Dataset
from lib.display import md
from lib.i18n import t
from lib.problems import InputError
from lib.turns import Turns
from lib.ui.caches import cached_dataset, cached_tasks
from lib.ui.layout import layout_style
from lib.ui.plan import year_without_actuals
from lib.ui.present import present_period, presentation_style
from lib.ui.state import NAVIGATION_SEEN, lang
from lib.ui.widgets import analyst_panel, data_notices, period_selectors, principal

# One for the server process: every session's script runs (app.py) wait here for their turn.
SCRIPT_TURNS = Turns(config.SCRIPT_TURN_PATIENCE_SECONDS, config.SCRIPT_TURN_LONGEST_WAIT_SECONDS)


def script_turn():
    """Return a context in which this script run holds its turn among all sessions' runs (lib/turns.py)."""
    return SCRIPT_TURNS.turn()


def leave_pages_folder_mode() -> None:
    """Rerun at once when Streamlit ran this session's first script in its old pages-folder mode.

    The first session after the server starts finds a pages/ folder and runs app.py (or, on a deep link such as
    /indicator, that page directly) wrapped in a navigation of its own: other page hashes, so every widget drawn in
    that run gets another identity than in the runs after. The first click on any of them (English, a month) then
    landed on a widget that no longer existed and was lost. Leaving the mode before any widget is drawn makes every
    run, the first included, run app.py with its own st.navigation.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_app_navigation() -> None:
    """Rerun through app.py when Streamlit ran a page script on its own (a deep link in a server's first session)."""
    # Only before app.py has run in this session: the test harness runs pages on their own on purpose, and a rerun
    # there would drop the widget values it set.
    if not st.session_state.get(NAVIGATION_SEEN):
        leave_pages_folder_mode()


def open_data_folder() -> None:
    """Stop with a message on a data folder a newer version of the app wrote; bring an older one to today's format
    (after a backup, once) and say so; one that cannot be written is read as it is, with a warning."""
    language = lang()
    try:
        done = upgrade.upgrade(config.data_dir(), principal())
    except formats.FormatError as exc:
        st.error(exc.message(language), icon=":material/block:")
        st.stop()
    except (store.StoreError, backup.BackupError) as exc:
        st.warning(t("format_upgrade_failed", language, path=config.data_dir(), detail=exc.message(language)))
        return
    if done:
        st.info(t("format_upgraded", language, path=config.data_dir(), old=done.old, new=done.new, backup=done.backup))


def dataset(new_folder_ok: bool = False) -> Dataset | None:
    """Return the current dataset, or show why the data folder cannot be used and return None (with new_folder_ok,
    a folder without targets yet is said to be new, not wrong)."""
    language = lang()
    try:
        return cached_dataset()
    except InputError as exc:
        if new_folder_ok and before_first_plan(exc, config.data_dir()):
            st.info(t("folder_new", language), icon=":material/assignment:")
            return None
        heading = "folder_error" if isinstance(exc, DataFolderError) else "targets_error"
        st.error(t(heading, language) + "\n\n" + "\n".join(f"- {md(p.message(language))}" for p in exc.problems))
        if before_first_plan(exc, config.data_dir()):  # where the first plan is published
            st.page_link("pages/plan.py", label=t("go_plan", language), icon=":material/arrow_forward:")
        st.stop()


def page_start(title_key: str | None = None, *, intro_key: str | None = None, presentation: bool = False,
               notices: bool = True, period: bool = True, needs_workplan: bool = False,
               new_folder_ok: bool = False) -> tuple[str, Dataset | None, int | None, int | None]:
    """Return (language, dataset, year, as-of month) after the start every page shares; stop when nothing can show.

    In order: rerun through app.py when run on its own; the presentation style (no sidebar or toolbar, large type);
    a stop with the sign-in when this visitor may not view (lib/access.py); the title and intro (when given); the
    dataset, or the targets' problems and a stop. Then the sample banner and
    refused actuals files (with notices, never on a slide); a stop with a notice before the plan is imported (with
    needs_workplan); and the period: chosen in the sidebar, on a slide the one chosen on the other pages (else the
    latest with data), or none (period=False: year and month are None). A stop with a notice when there is none.
    With new_folder_ok (the plan page) a folder without targets yet gives no dataset (None) and a note, not a stop.
    """
    require_app_navigation()
    language = lang()
    layout_style()
    if presentation:
        presentation_style()
    if not access.allowed(principal(), access.Action.VIEW):
        st.info(t("access_sign_in_to_view", language))
        analyst_panel()
        st.stop()
    if title_key:
        st.title(t(title_key, language))
    if intro_key:
        st.caption(t(intro_key, language))
    open_data_folder()
    ds = dataset(new_folder_ok)
    if ds is None:
        return language, None, None, None
    if notices and not presentation:
        data_notices(ds)
    if needs_workplan and cached_tasks().empty:
        st.info(t("no_tasks", language))
        st.stop()
    if not period:
        return language, ds, None, None
    if presentation:
        chosen = present_period(ds)
    else:
        chosen = period_selectors(ds)
    if chosen is None:
        st.warning(md(t("no_data", language, path=ds.data_dir / "actuals")))
        st.stop()
    if notices and not presentation:
        year_without_actuals(ds, chosen[0])
    return language, ds, chosen[0], chosen[1]
