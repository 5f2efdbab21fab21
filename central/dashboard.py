"""The ministry's dashboard: server-rendered pages, Arabic first, for logged-in staff only.

`/` is the league table of branches for a period; `/branches/{code}` drills into one branch
(services, hours of the day, clerks' scorecards, counters); `/trends` shows weeks or months;
every table exports to Excel and PDF. Nothing is loaded from outside the central: the style
sheet is its own, the charts are inline SVG, there is no script. The session cookie is
HttpOnly and SameSite=Strict (Secure under HTTPS); the Content-Security-Policy allows
nothing from elsewhere.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, select_autoescape

from central import auth, charts, export, present, summaries
from central.errors import CentralError
from central.league import BY_KEY, DEFAULT_SORT, league
from core.bilingual import by_language
from core.errors import TabourError
from core.page_templates import with_shared_pages

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLE = (TEMPLATES / "central.css").read_text(encoding="utf-8")
SESSION_COOKIE = "tabour_central_session"
LANG_COOKIE = "tabour_lang"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

TEXT = by_language({
    "title": ("لوحة الوزارة", "Ministry dashboard"),
    "product": ("طابور", "Tabour"),
    "league": ("ترتيب الفروع", "League table"),
    "trends": ("الاتجاهات", "Trends"),
    "logout": ("تسجيل الخروج", "Log out"),
    "login": ("تسجيل الدخول", "Log in"),
    "username": ("اسم المستخدم", "User name"),
    "password": ("كلمة المرور", "Password"),
    "login_intro": (
        "لوحة متابعة أداء مراكز الخدمة. الدخول لموظفي الوزارة فقط.",
        "Performance of the service centres. For ministry staff only.",
    ),
    "period": ("الفترة", "Period"),
    "from": ("من", "From"),
    "to": ("إلى", "To"),
    "show": ("اعرض", "Show"),
    "this_month": ("هذا الشهر", "This month"),
    "last_month": ("الشهر الماضي", "Last month"),
    "this_year": ("هذه السنة", "This year"),
    "export": ("تصدير", "Export"),
    "excel": ("إكسل", "Excel"),
    "pdf": ("PDF", "PDF"),
    "sort_by": ("رتّب حسب هذا العمود", "Rank by this column"),
    "branch": ("الفرع", "Branch"),
    "back": ("العودة إلى الترتيب", "Back to the league table"),
    "freshness": ("آخر دفعة وصلت", "Last batch received"),
    "never": ("لم تصل بعد", "not yet"),
    "held": ("الأحداث المستلمة", "Events received"),
    "week": ("أسبوعياً", "By week"),
    "month": ("شهرياً", "By month"),
    "all_branches": ("كل الفروع", "All branches"),
    "unit": ("الوحدة", "Unit"),
    "chart_hours": ("التذاكر الصادرة حسب ساعة اليوم", "Tickets issued by hour of the day"),
    "chart_trend": ("متوسط الانتظار والنسبة ضمن المستهدف", "Mean wait and share served within target"),
    "mean_wait": ("متوسط الانتظار (نسبة إلى أعلاه)", "Mean wait (relative to its highest)"),
    "within_target": ("ضمن المستهدف (من 0 إلى 100٪)", "Within target (0 to 100%)"),
    "switch": ("English", "العربية"),
    "skip": ("انتقل إلى المحتوى", "Skip to the content"),
    "no_feedback": (
        "نسبة الزوار الراضين: حصة التقييمات \u20664\u2069 أو \u20665\u2069 من \u20665\u2069. يظهر «—» لفرع لم يصله تقييم، وفي الشكاوى لفرع لم يصله تقييم ولا ملاحظة.",
        "Satisfied visitors: the share of ratings of 4 or 5 out of 5. A branch with no rating shows “—”; with no rating and no feedback, its complaints show “—” too.",
    ),
    "ranked_by": ("الترتيب حسب", "Ranked by"),
    "error": ("خطأ", "Error"),
})

_env = Environment(loader=with_shared_pages(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)


def _lang(request: Request, asked: str | None) -> str:
    if asked in ("ar", "en"):
        return asked
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "ar"


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 500:
        return "/"
    return target


def _page(request: Request, template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    text = TEXT[lang]
    here = request.url.path
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    other = "en" if lang == "ar" else "ar"
    html = _env.get_template(template).render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", t=text, shown=present.shown,
        switch_url=f"{here}?{urlencode({**query, 'lang': other})}", **context,
    )
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


def register(app: FastAPI) -> None:
    connection = app.state.connection
    period = app.state.period
    branch_id_of = app.state.branch_id_of
    secure = app.state.settings.secure_cookies

    def who(request: Request) -> auth.Staff | None:
        with connection() as conn:
            return auth.staff_for_session(conn, request.cookies.get(SESSION_COOKIE))

    def to_login(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    def quick_periods(lang: str) -> list[tuple[str, str]]:
        today = date.today()
        this_first, this_last = summaries.month_bounds(today)
        last_first, last_last = summaries.month_bounds(this_first - timedelta(days=1))
        text = TEXT[lang]
        return [
            (text["this_month"], urlencode({"from": this_first.isoformat(), "to": this_last.isoformat()})),
            (text["last_month"], urlencode({"from": last_first.isoformat(), "to": last_last.isoformat()})),
            (text["this_year"], urlencode({"from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()})),
        ]

    def error_page(request: Request, lang: str, error: TabourError, staff: auth.Staff) -> HTMLResponse:
        message = error.message_ar if lang == "ar" else error.message_en
        return _page(request, "error.html", lang, status=getattr(error, "status", 422), staff=staff, message=message)

    @app.get("/static/central.css", include_in_schema=False)
    def style() -> Response:
        return Response(STYLE, media_type="text/css", headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str | None = None, lang: str | None = None) -> HTMLResponse:
        language = _lang(request, lang)
        return _page(request, "login.html", language, staff=None, next=_safe_next(next), message=None)

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=200)] = "",
        password: Annotated[str, Form(max_length=400)] = "",
        next: Annotated[str, Form(max_length=600)] = "/",
    ) -> Response:
        language = _lang(request, None)
        try:
            with connection() as conn:
                token = auth.log_in(conn, username, password)
        except TabourError as error:
            message = error.message_ar if language == "ar" else error.message_en
            status = 429 if error.code == "locked_out" else 401
            return _page(request, "login.html", language, status=status, staff=None, next=_safe_next(next), message=message)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(SESSION_COOKIE, token, max_age=auth.SESSION_HOURS * 3600, httponly=True, samesite="strict",
                            secure=secure)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        with connection() as conn:
            auth.log_out(conn, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def league_page(
        request: Request,
        first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        sort: Annotated[str, Query(max_length=40)] = DEFAULT_SORT,
        lang: Annotated[str | None, Query(max_length=5)] = None,
    ) -> Response:
        staff = who(request)
        if staff is None:
            return to_login(request)
        language = _lang(request, lang)
        try:
            start, end = period(first, last)
        except TabourError as error:
            return error_page(request, language, error, staff)
        with connection() as conn:
            answer = league(conn, start, end, sort if sort in BY_KEY else DEFAULT_SORT)
        query = {"from": start.isoformat(), "to": end.isoformat()}
        table = present.league_table(answer, language, urlencode(query))
        return _page(
            request, "league.html", language, staff=staff, table=table, league=answer, start=start, end=end,
            period_text=present.period_text(start, end, language), quick=quick_periods(language),
            query=urlencode(query), sort_links={c.key: urlencode({**query, "sort": c.key}) for c in BY_KEY.values()},
            sorted_by=BY_KEY[answer["sort"]], lower_is_better=tuple(c.key for c in BY_KEY.values() if c.better == "low"),
        )

    @app.get("/branches/{code}", response_class=HTMLResponse, include_in_schema=False)
    def branch_page(
        request: Request,
        code: str,
        first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        lang: Annotated[str | None, Query(max_length=5)] = None,
    ) -> Response:
        staff = who(request)
        if staff is None:
            return to_login(request)
        language = _lang(request, lang)
        try:
            start, end = period(first, last)
            with connection() as conn:
                branch_id = branch_id_of(conn, code)
                answer = summaries.branch_stats(conn, branch_id, start, end, ["service", "counter", "clerk", "hour"])
                info = conn.execute(
                    "SELECT code, name_ar, name_en, held_seq, last_batch_at FROM branches WHERE id = %s", (branch_id,)
                ).fetchone()
        except TabourError as error:
            return error_page(request, language, error, staff)
        branch = dict(zip(("code", "name_ar", "name_en", "held_seq", "last_batch_at"), info))
        hours = [(f"{row['hour']:02d}", float(row["issued"])) for row in answer.get("by_hour", [])]
        chart = charts.bars(hours, title=TEXT[language]["chart_hours"], rtl=language == "ar") if hours else ""
        query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
        return _page(
            request, "branch.html", language, staff=staff, branch=branch, name=present.name(branch, language),
            cards=present.totals_cards(answer["totals"]), tables_list=present.branch_tables(answer, language), chart=chart,
            period_text=present.period_text(start, end, language), start=start, end=end, query=query,
            quick=quick_periods(language),
        )

    @app.get("/trends", response_class=HTMLResponse, include_in_schema=False)
    def trends_page(
        request: Request,
        unit: Annotated[str, Query(pattern="^(week|month)$")] = "month",
        branch: Annotated[str | None, Query(max_length=40)] = None,
        lang: Annotated[str | None, Query(max_length=5)] = None,
    ) -> Response:
        staff = who(request)
        if staff is None:
            return to_login(request)
        language = _lang(request, lang)
        today = date.today()
        start = (summaries.month_bounds(today)[0].replace(year=today.year - 1) + timedelta(days=31)).replace(day=1) \
            if unit == "month" else today - timedelta(weeks=12)
        try:
            with connection() as conn:
                branch_id = branch_id_of(conn, branch) if branch else None
                points = [(start_day, tally.view()) for start_day, tally in summaries.trend(conn, start, today, unit, branch_id)]
                branches = [(row[0], row[1] if language == "ar" else row[2])
                            for row in conn.execute("SELECT code, name_ar, name_en FROM branches ORDER BY code")]
        except TabourError as error:
            return error_page(request, language, error, staff)
        table = present.trend_table(points, unit, language)
        labels = [row[0] for row in table.rows]
        chart = charts.lines(
            labels,
            [(TEXT[language]["mean_wait"], [v["wait_seconds"]["mean"] for _, v in points], charts.GREEN, None),
             (TEXT[language]["within_target"], [v["within_target_share"] for _, v in points], charts.GOLD, 1.0)],
            title=TEXT[language]["chart_trend"], rtl=language == "ar",
        ) if points else ""
        return _page(request, "trends.html", language, staff=staff, table=table, chart=chart, unit=unit, branch=branch,
                     branches=branches)

    # ── exports ──────────────────────────────────────────────────────────────────────────

    def exported(content: bytes, kind: str, stem: str) -> Response:
        media = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}[kind]
        return Response(content, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{stem}.{kind}"', "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        })

    @app.get("/export/league.{kind}", include_in_schema=False)
    def export_league(
        request: Request,
        kind: str,
        first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        sort: Annotated[str, Query(max_length=40)] = DEFAULT_SORT,
        lang: Annotated[str | None, Query(max_length=5)] = None,
    ) -> Response:
        staff = who(request)
        if staff is None:
            return to_login(request)
        language = _lang(request, lang)
        if kind not in ("xlsx", "pdf"):
            return error_page(request, language, CentralError("Export as xlsx or pdf.", "التصدير بصيغة xlsx أو pdf.", status=404), staff)
        try:
            start, end = period(first, last)
        except TabourError as error:
            return error_page(request, language, error, staff)
        with connection() as conn:
            answer = league(conn, start, end, sort if sort in BY_KEY else DEFAULT_SORT)
        table = present.league_table(answer, language)
        title = (TEXT["ar"]["league"], TEXT["en"]["league"])
        content = export.render(kind, [table], language, title, present.period_text(start, end, language))
        return exported(content, kind, f"league-{start.isoformat()}-{end.isoformat()}")

    @app.get("/export/branches/{code}.{kind}", include_in_schema=False)
    def export_branch(
        request: Request,
        code: str,
        kind: str,
        first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        lang: Annotated[str | None, Query(max_length=5)] = None,
    ) -> Response:
        staff = who(request)
        if staff is None:
            return to_login(request)
        language = _lang(request, lang)
        try:
            if kind not in ("xlsx", "pdf"):
                raise CentralError("Export as xlsx or pdf.", "التصدير بصيغة xlsx أو pdf.", status=404)
            start, end = period(first, last)
            with connection() as conn:
                branch_id = branch_id_of(conn, code)
                answer = summaries.branch_stats(conn, branch_id, start, end, ["service", "counter", "clerk", "hour"])
                name_ar, name_en = conn.execute("SELECT name_ar, name_en FROM branches WHERE id = %s", (branch_id,)).fetchone()
        except TabourError as error:
            return error_page(request, language, error, staff)
        content = export.render(kind, present.branch_tables(answer, language), language, (name_ar, name_en),
                                present.period_text(start, end, language))
        return exported(content, kind, f"{code}-{start.isoformat()}-{end.isoformat()}")

