"""Widgets shared by several pages: status badge, cards, period selectors, data notices, export and sign-in."""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from lib import audit, auth, config
from lib.access import Principal
from lib.dataset import Dataset
from lib.display import badge_markdown, csv_bytes, md
from lib.engine import default_period
from lib.filenames import export_name
from lib.fmt import format_period
from lib.i18n import t
from lib.kinds import STATUSES
from lib.ui.state import lang, page_target

CLIENT_KEY = "_client_address"  # the session's address as client_id found it


def _css_text(text: str) -> str:
    """Return text as a CSS string literal (for content: …)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def file_uploader(label: str, key: str, types: list[str] | None = None,
                  limit_bytes: int = config.MAX_ACTUALS_FILE_BYTES):
    """Draw st.file_uploader with its own words in the page's language.

    Streamlit 1.67 writes its button ("Upload"), the limit ("20MB per file • DOCX") and the drop prompt ("Drag and drop
    files here") in English whatever the page's language: st.file_uploader has no parameter for them and no setting or
    locale reaches them (the texts are fixed in its JavaScript). So the widget's own words are hidden and ours drawn in
    their place, by CSS scoped to this uploader (static words from lib/locale, never user text); its file list, file
    names and sizes are the browser's own and stay as they are (the box of a chosen file's chip, a div like the drop
    prompt's, is left alone: the prompt's words were drawn over its name)."""
    language = lang()
    limit = t("upload_limit", language, mb=round(limit_bytes / 1024 / 1024))
    if types:
        limit += t("upload_types", language, types=("、" if language != "en" else ", ").join(x.upper() for x in types))
    box = f".st-key-{key}"
    zone = f'{box} [data-testid="stFileUploaderDropzone"]'
    prompt = f'{zone} > div:not([data-testid]):not(:has([data-testid="stFileChips"]))'  # not a chosen file's chip
    words = {"browse": _css_text(t("upload_browse", language)), "limit": _css_text(limit),
             "drop": _css_text(t("upload_drop", language))}
    st.html(f"""<style>
{box} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0 !important; }}
{box} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: {words["browse"]}; font-size: var(--kpi-size-control); }}
{box} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
{box} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: {words["limit"]};
  font-size: var(--kpi-size-meta); }}
{prompt} span {{ font-size: 0 !important; }}
{prompt} span::after {{ content: {words["drop"]}; font-size: var(--kpi-size-control); }}
</style>""")
    return st.file_uploader(label, type=types, key=key)


def status_badge(status: str, label: str) -> None:
    """Draw a status badge with a colour and an icon (told apart without colour too)."""
    st.badge(label, color=STATUSES[status].badge_color, icon=STATUSES[status].badge_icon)


def card_metric(card, label: str | None = None, where=None, **kwargs) -> None:
    """Draw a card's value as a metric, with its delta (sign first: it sets the arrow) and what that compares with."""
    (where or st).metric(label or card.target_text, card.value, delta=card.delta,
                         delta_color="normal" if card.delta else "off", delta_description=card.delta_note, **kwargs)


def score_card(card, link_id: str | None = None, link_label: str | None = None) -> None:
    """Draw one target's card: title and status over its progress bar, value, detail lines and a link to its page."""
    with st.container(border=True):
        # Title and status (escaped Markdown) are the progress bar's own text: 24 cards make every element count on a
        # rerun. A target without a bar (a rate) has them as a Markdown element.
        heading = f"**{md(card.title)}**  \n{badge_markdown(card.status, card.status_text)}"
        if card.progress is not None:
            st.progress(card.progress, text=heading)
        else:
            st.markdown(heading)
        card_metric(card)
        st.caption("  \n".join(md(line) for line in card.lines))
        if link_id:
            st.page_link(page_target("pages/indicator.py", "indicator"), label=link_label or t("open_detail", lang()),
                         icon=":material/arrow_forward:", query_params={"id": link_id})


def card_grid(cards: list, key: str) -> None:
    """Draw (card, link id) pairs four to a row, one to a row on a phone, in one wrapping row (lib/ui/layout.py's
    .cards- style): a row of st.columns per four cards was five more elements, each a cost on every rerun."""
    label = t("open_detail", lang())
    with st.container(horizontal=True, gap="small", key=f"cards-{key}"):
        for card, link_id in cards:
            score_card(card, link_id=link_id, link_label=label)


def period_selectors(ds: Dataset) -> tuple[int, int] | None:
    """Draw year and as-of month selectors in the sidebar; return the chosen (year, month)."""
    language = lang()
    years = ds.catalog.years()
    if not years:
        return None
    latest = default_period(ds)
    default_year = latest[0] if latest else years[-1]
    remember_asked_period(ds)
    # Widget keys carry the language so labels follow it; the choice itself is kept aside. The year shows plain
    # digits and the month is a slider whose labels are redrawn. The years are a row of buttons, one tap away: a
    # selectbox's menu cost a page's first load ~0.08 s of its own scripts (bench/RESULTS.md, the browser's row).
    chosen_year = st.session_state.get("chosen_year", default_year)
    year = st.sidebar.segmented_control(t("year", language), years, key=f"year_{language}", required=True,
                                        default=chosen_year if chosen_year in years else years[-1])
    st.session_state["chosen_year"] = year
    default_month = last_month_of(ds, year)
    # The choice is remembered per (year, latest month with data): a newly loaded month becomes the default.
    memory = st.session_state.setdefault("chosen_month", {})
    month = st.sidebar.select_slider(t("as_of", language), list(range(1, 13)),
                                     value=memory.get((year, default_month), default_month),
                                     key=f"as_of_{year}_{default_month}_{language}",
                                     format_func=lambda m: format_period(year, m, language))
    memory[(year, default_month)] = month
    # The address names the period when it is not the latest, so a link shows what its sender saw.
    if (year, month) != latest:
        st.query_params["period"] = f"{year}-{month:02d}"
    elif "period" in st.query_params:
        del st.query_params["period"]
    return year, month


def last_month_of(ds: Dataset, year: int) -> int:
    """Return the latest month with data of a year (12 for a year without data): the as-of month it opens on."""
    return ds.last_months().get(year, 12)


def remember_asked_period(ds: Dataset) -> None:
    """Make a shared link's ?period=2021-06 the choice a new session starts with, on every page that shows a period
    (the sidebar's selectors and the presentation alike); a month that is none or a year without targets is said
    and left."""
    text = st.query_params.get("period")
    if "chosen_year" in st.session_state or not text:
        return
    asked = _asked_period(text)
    years = ds.catalog.years()
    if asked is None or asked[0] not in years:
        st.warning(t("link_bad_period", lang(), value=text) if asked is None else
                   t("link_year_without_targets", lang(), year=asked[0], years="、".join(map(str, years))))
        return
    st.session_state["chosen_year"] = asked[0]
    # (remembered per (year, latest month with data), as the month selector keeps it)
    st.session_state.setdefault("chosen_month", {})[(asked[0], last_month_of(ds, asked[0]))] = asked[1]


def _asked_period(text: str | None) -> tuple[int, int] | None:
    """Return (year, month) from an address's period=2021-06, or None when it says none or nonsense."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
    except ValueError:
        return None
    return (year, month) if 1 <= month <= 12 else None


def data_notices(ds: Dataset) -> None:
    """Show the sample-data banner and name every actuals file that was not loaded, with its problems."""
    language = lang()
    if ds.is_sample:
        st.info(t("sample_banner", language), icon=":material/science:")
    rejected = ds.rejected
    if rejected:
        with st.expander(t("files_rejected", language, count=len(rejected)), expanded=True, icon=":material/warning:"):
            for report in rejected:
                st.markdown(f"**{md(report.file)}**")
                told = report.errors + report.warnings  # a file refused for want of rows with a target names them
                st.markdown("\n".join(f"- {md(p.message(language))}" for p in told[:50]))


def csv_download(build_frame, stem: str, key: str) -> None:
    """Draw a button that downloads a table as CSV for Excel: UTF-8 with BOM, cells that would run as formulas
    neutralised (the tables' own download is switched off in .streamlit/config.toml). The table is built only
    when the button is clicked."""
    # No rerun on the click (on_click="ignore"): each run gives a built-on-click file a new id and revokes the old one,
    # so a rerun the click itself asked for could revoke the file before the browser fetched it, and no file came (a
    # browser test on a loaded machine, twice). The page has nothing to redraw for a download.
    st.download_button(t("download_csv", lang()), lambda: csv_bytes(build_frame()), file_name=f"{stem}.csv",
                       mime="text/csv", key=key, icon=":material/download:", on_click="ignore")


def export_panel(ds: Dataset, year: int, as_of: int, figure=None, slug: str = "chart", title: str = "") -> None:
    """Draw the export buttons: this chart as PNG (when given), the PPTX deck with a progress bar, the briefing with
    its date of issue (today unless chosen); each file named for what it holds (2021-06_月度通报_无锡市.docx)."""
    from lib import export
    from lib.briefing import DOCX_MIME, monthly_briefing

    language = lang()
    with st.popover(t("export_title", language), icon=":material/download:"):
        if figure is not None and st.button(t("export_png", language), key=f"png_{slug}"):
            try:
                png = export.figure_png(figure, lang=language)
            except export.ExportUnavailable as exc:
                st.error(md(str(exc)))
            else:
                st.download_button(t("download_png", language), png,
                                   export_name(ds.catalog, year, as_of, title or slug, "png", language), "image/png",
                                   key=f"png_download_{slug}")
        if st.button(t("export_pptx", language), key="build_pptx"):
            bar = st.progress(0.0)

            def report(fraction: float, label: str) -> None:
                bar.progress(fraction, text=t("export_building", language, label=label))

            try:
                deck = export.build_deck(ds, year, as_of, language, progress=report, strict=True)
            except export.ExportUnavailable as exc:  # a deck without its pictures is not handed out
                st.error(md(str(exc)))
            else:
                st.download_button(t("download_pptx", language), deck,
                                   export_name(ds.catalog, year, as_of, t("file_deck", language), "pptx", language),
                                   "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                                   key="pptx_download")
        # A text field, not st.date_input: its calendar names months and weekdays in English on a Chinese page.
        typed = st.text_input(t("briefing_date", language), value=dt.date.today().isoformat(), key="briefing_date")
        issued = issue_date(typed)
        if issued is None:
            st.error(t("briefing_date_invalid", language, value=md(typed)))
        elif st.button(t("export_briefing", language), key="build_briefing"):
            with st.spinner(t("export_building", language, label=t("briefing_name", language,
                                                                   period=format_period(year, as_of, language)))):
                briefing = monthly_briefing(ds, year, as_of, language, issued=issued)
            if briefing.charts_missing:
                st.warning(md(t("briefing_charts_missing", language, detail=briefing.charts_missing)))
            st.download_button(t("download_briefing", language), briefing.data, briefing.filename, DOCX_MIME,
                               key="briefing_download")


def issue_date(text: str) -> dt.date | None:
    """Return a briefing's date of issue typed as YYYY-MM-DD (2021年11月5日 and 2021/11/5 too), or None."""
    found = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text or "")
    try:
        return dt.date(*(int(part) for part in found.groups())) if found else None
    except ValueError:
        return None


def _secret_accounts() -> dict:
    """Return [analysts] from Streamlit secrets, or nothing when there is no secrets file."""
    try:
        return dict(st.secrets.get("analysts", {}))
    except (FileNotFoundError, KeyError, AttributeError, StreamlitSecretNotFoundError):
        return {}


def principal() -> Principal:
    """Return who this session is: the analyst who signed in here, else an anonymous visitor, at the client's
    address (client_id). Pages ask lib/access.py what this principal may do; the store and the audit trail get it."""
    name = st.session_state.get("analyst")
    where = client_id()
    return Principal.analyst(name, where) if name else Principal.anonymous(where)


def analyst_panel() -> Principal:
    """Draw sign-in (or sign-out) for analysts in the sidebar; return the session's principal (principal())."""
    language = lang()
    who = principal()
    box = st.sidebar.container(border=True)
    if who.signed_in:
        box.markdown(t("signed_in_as", language, name=md(who.name)))
        if box.button(t("sign_out", language), key="sign_out"):
            del st.session_state["analyst"]
            audit.record(config.data_dir(), "sign_out", who)
            st.rerun()
        return who
    known = auth.accounts(secret_accounts=_secret_accounts())
    if not known:
        box.caption(t("no_accounts", language))
        return who
    try:
        auth.trusted_proxies()
    except auth.ProxySettingError as exc:
        box.error(exc.message(language))
    with box.form("sign_in", border=False):
        st.markdown(f"**{t('sign_in_title', language)}**")
        name = st.text_input(t("user_name", language), key="sign_in_name")
        password = st.text_input(t("password", language), type="password", key="sign_in_password")
        if st.form_submit_button(t("sign_in", language)):
            outcome = auth.THROTTLE.sign_in(name.strip(), password, known, client=who.where)
            attempt = (Principal.analyst(name.strip(), who.where) if outcome.ok
                       else Principal.anonymous(who.where, tried=name.strip()))
            audit.record(config.data_dir(), "sign_in", attempt, ok=outcome.ok, throttled=outcome.wait_s > 0)
            if outcome.ok:
                st.session_state["analyst"] = name.strip()
                st.rerun()
            elif outcome.wait_s > 0:
                st.error(t("sign_in_throttled", language, minutes=max(1, round(outcome.wait_s / 60))))
            else:
                st.error(t("sign_in_failed", language))
    return who


def client_id() -> str:
    """Return who is signing in, as far as the server can tell: the address the request came from, decided by
    auth.client_address (X-Forwarded-For counts only from a proxy named in KPI_TRUSTED_PROXIES).

    Not the session: every new tab would get a fresh count of tries. With a setting that names no address the
    header is ignored (tries counted by the connection's own address) and the sign-in box names the entry.

    Worked out once per session: its connection, the headers it came with and the server's settings stay the same."""
    if CLIENT_KEY not in st.session_state:
        st.session_state[CLIENT_KEY] = _client_address()
    return st.session_state[CLIENT_KEY]


def _client_address() -> str:
    """Return client_id's answer, worked out from the request."""
    try:
        trusted = auth.trusted_proxies()
    except auth.ProxySettingError:
        trusted = ()
    peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    return auth.client_address(peer if isinstance(peer, str) else None,  # (the test harness gives stand-ins)
                               forwarded if isinstance(forwarded, str) else None, trusted)
