"""The report's charts, drawn by matplotlib (Agg, no screen) as PNG images.

Arabic labels are shaped and put in visual order first (`reports.text.visual`): matplotlib
draws text as given. The Arabic font comes first in the font list and the Latin one after it,
so matplotlib takes each glyph from the first font that has it.
"""

from __future__ import annotations

import io
from typing import Any

from reports.text import FontSet, chart_text, ltr

GREEN = "#1F5C4A"
GOLD = "#C99A2E"
RED = "#B03A2E"
GREY = "#6B7280"


def _labels(lang: str):
    def say(ar: str, en: str) -> str:
        return chart_text(ar) if lang == "ar" else en

    return say


def _figure(fonts: FontSet, width: float, height: float):
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    families = []
    for path in (fonts.arabic, fonts.latin):
        font_manager.fontManager.addfont(str(path))
        families.append(font_manager.FontProperties(fname=str(path)).get_name())
    figure = Figure(figsize=(width, height), dpi=200)
    return figure, families


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200)
    return buffer.getvalue()


def _style(families: list[str]):
    import matplotlib

    return matplotlib.rc_context({
        "font.family": families,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.unicode_minus": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
    })


def _empty(axes, say) -> None:
    axes.text(0.5, 0.5, say("لا توجد بيانات لهذه الفترة", "No data for this period"), ha="center", va="center",
              transform=axes.transAxes, color=GREY, fontsize=12)
    axes.set_xticks([])
    axes.set_yticks([])


def arrivals_and_waits(kpis: dict[str, Any], fonts: FontSet, lang: str, width: float = 7.4, height: float = 3.0) -> bytes:
    """Tickets issued per hour of the day (bars) and the wait of those tickets (mean and median, lines)."""
    say = _labels(lang)
    figure, families = _figure(fonts, width, height)
    with _style(families):
        axes = figure.add_subplot()
        axes.set_title(say("الوصول والانتظار حسب الساعة", "Arrivals and waits by hour"), loc="right" if lang == "ar" else "left", pad=30)
        hours = {row["hour"]: row for row in kpis.get("by_hour", [])}
        if not hours or not any(row.get("issued") for row in hours.values()):
            _empty(axes, say)
        else:
            span = list(range(min(hours), max(hours) + 1))
            issued = [hours.get(h, {}).get("issued", 0) for h in span]
            axes.bar(span, issued, color=GREEN, width=0.7, label=say("تذاكر صادرة", "Tickets issued"))
            axes.set_ylabel(say("تذاكر", "Tickets"))
            axes.set_xticks(span, [f"{h:02d}" for h in span])
            axes.set_xlabel(say("الساعة", "Hour of day"))
            waits = axes.twinx()
            waits.spines["top"].set_visible(False)
            for key, colour, style, ar, en in (
                ("mean", GOLD, "-", "متوسط الانتظار", "Mean wait"),
                ("median", RED, "--", "وسيط الانتظار", "Median wait"),
            ):
                values = [
                    ((hours.get(h, {}).get("wait_seconds") or {}).get(key) or 0) / 60 if h in hours else float("nan")
                    for h in span
                ]
                waits.plot(span, values, color=colour, linestyle=style, marker="o", markersize=3, linewidth=1.6, label=say(ar, en))
            waits.set_ylabel(say("دقائق الانتظار", "Wait (minutes)"))
            waits.set_ylim(bottom=0)
            handles = axes.get_legend_handles_labels()
            more = waits.get_legend_handles_labels()
            axes.legend(handles[0] + more[0], handles[1] + more[1], loc="lower right" if lang == "ar" else "lower left",
                        bbox_to_anchor=(1.0 if lang == "ar" else 0.0, 1.01), ncol=3, frameon=False, fontsize=8)
            axes.set_ylim(0, max(issued) * 1.25)
        figure.tight_layout()
        return _png(figure)


def wait_distribution(kpis: dict[str, Any], fonts: FontSet, lang: str, width: float = 7.4, height: float = 2.7) -> bytes:
    """How many visitors waited 0–5, 5–10, … minutes (those called in the period)."""
    say = _labels(lang)
    figure, families = _figure(fonts, width, height)
    with _style(families):
        axes = figure.add_subplot()
        share = kpis["totals"].get("within_target_share")
        title = say("توزيع مدة الانتظار", "Wait-time distribution")
        if share is not None:
            title += say(f" — ضمن الهدف: {ltr(f'{share * 100:.1f}%')}", f" — within target: {share * 100:.1f}%")
        axes.set_title(title, loc="right" if lang == "ar" else "left")
        bands = kpis["totals"].get("wait_distribution", [])
        counts = [band["count"] for band in bands]
        if not any(counts):
            _empty(axes, say)
        else:
            labels = []
            for band in bands:
                start, end = band["from_seconds"] // 60, band["to_seconds"]
                labels.append(f"{start}+" if end is None else f"{start}-{end // 60}")
            positions = list(range(len(bands)))
            total = sum(counts)
            bars = axes.bar(positions, counts, color=GREEN, width=0.75)
            for bar, count in zip(bars, counts):
                if count:
                    axes.annotate(f"{100 * count / total:.0f}%", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                                  ha="center", va="bottom", fontsize=7, color=GREY, xytext=(0, 2), textcoords="offset points")
            axes.set_xticks(positions, labels, fontsize=7.5)
            axes.set_xlabel(say("دقائق الانتظار", "Wait (minutes)"))
            axes.set_ylabel(say("زوار", "Visitors"))
            axes.set_ylim(0, max(counts) * 1.18)
        figure.tight_layout()
        return _png(figure)
