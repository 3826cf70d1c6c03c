"""The yearly evaluation as a document: an HTML page with a chart per figure (and a PDF).

The figures come from :mod:`binrelay_shared.ledger.figures` (pure); this module only draws them.
Charts are matplotlib figures saved as SVG and inlined in the page (no script, no network: the file
opens anywhere and prints as it shows). Each chart is a ``<section class="chart">`` with its title
in an ``<h2>`` and its numbers in a table beside it. The PDF is the page printed by headless
Chromium (Debian's ``chromium``, installed by deploy/local/sysdeps.sh) when it is there.
"""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from binrelay_shared.ledger.figures import Evaluation, Times

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Colour-blind-safe palette (Okabe & Ito), then matplotlib's own.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
           "#999999", "#882255", "#44AA99")
WIDTH, HEIGHT = 9.0, 3.6  # inches, 100 dpi in the SVG: 900 x 360 px


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its id, title, SVG and the numbers it shows (header + rows)."""

    id: str
    title: str
    svg: str
    table: tuple[tuple[str, ...], list[tuple[str, ...]]]
    note: str = ""


def _label(key: str) -> str:
    return key.replace("_", " ")


def _svg(draw: Callable[[Axes], None], salt: str) -> str:
    import matplotlib

    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=100)
    ax = fig.add_subplot()
    draw(ax)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.StringIO()
    # hashsalt: ids inside one SVG are made from it; each chart's own keeps them unique on the page.
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _stacked(series: dict[str, list[int]], labels: Sequence[str], ylabel: str) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        bottom = [0] * len(labels)
        for i, (name, values) in enumerate(series.items()):
            ax.bar(labels, values, bottom=bottom, label=_label(name), color=PALETTE[i % len(PALETTE)])
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        _finish(ax, ylabel, bool(series))
    return draw


def _grouped(series: dict[str, list[float]], labels: Sequence[str], ylabel: str) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        width = 0.8 / max(1, len(series))
        for i, (name, values) in enumerate(series.items()):
            xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
            ax.bar(xs, values, width=width, label=_label(name), color=PALETTE[i % len(PALETTE)])
        ax.set_xticks(range(len(labels)), [_label(x) for x in labels])
        _finish(ax, ylabel, bool(series))
    return draw


def _finish(ax: Axes, ylabel: str, legend: bool) -> None:
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def _times_row(name: str, t: Times) -> tuple[str, ...]:
    return (_label(name), str(t.n), _seconds(t.median), _seconds(t.p90))


def _monthly_table(series: dict[str, list[int]]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    return (("", *MONTHS, "total"),
            [(_label(k), *map(str, v), str(sum(v))) for k, v in series.items()])


def _minutes(t: Times) -> list[float]:
    return [(t.median or 0) / 60, (t.p90 or 0) / 60]


def charts(ev: Evaluation) -> list[Chart]:
    """Every chart of the evaluation, in the page's order."""
    out: list[Chart] = []

    def add(id_: str, title: str, draw: Callable[[Axes], None], table: tuple[tuple[str, ...],
            list[tuple[str, ...]]], note: str = "") -> None:
        out.append(Chart(id_, title, _svg(draw, id_), table, note))

    add("reports-category", "Reports per month by category",
        _stacked(ev.reports_by_category, MONTHS, "reports"), _monthly_table(ev.reports_by_category))
    add("reports-urgency", "Reports per month by urgency",
        _stacked(ev.reports_by_urgency, MONTHS, "reports"), _monthly_table(ev.reports_by_urgency))
    times = ev.first_delivery
    add("first-delivery", "Time from report to first delivery (median, p90) by urgency",
        _grouped({"median": [_minutes(times[u])[0] for u in times], "p90": [_minutes(times[u])[1] for u in times]},
                 list(times), "minutes"),
        (("urgency", "reports delivered", "median", "p90"), [_times_row(u, t) for u, t in times.items()]
         + [("never delivered", str(ev.undelivered_reports), "", "")]))
    f = ev.follow
    follow = {"urgent reports": f.urgent, "acknowledged": f.acknowledged, "escalated": f.escalated}
    add("acknowledgements", "Acknowledgements and escalations of urgent reports per month",
        _grouped({k: [float(x) for x in v] for k, v in follow.items()}, MONTHS, "reports"),
        (("", *MONTHS, "total"), [(k, *map(str, v), str(sum(v))) for k, v in follow.items()]),
        f"Time from receipt to the first acknowledgement: median {_seconds(f.time_to_ack.median)}, "
        f"p90 {_seconds(f.time_to_ack.p90)} ({f.time_to_ack.n} acknowledged).")
    p = ev.police
    add("police-messages", "Police messages per month by kind",
        _stacked(p.per_month, MONTHS, "messages"), _monthly_table(p.per_month))
    decisions = {"approved": p.approved, "rejected": p.rejected, "awaiting": p.awaiting}
    add("approvals", "Approval of police messages and approval times",
        _approvals(decisions, p.approval_times),
        (("approved", "rejected", "awaiting", "approval time: median", "p90"),
         [(str(p.approved), str(p.rejected), str(p.awaiting), _seconds(p.approval_times.median),
           _seconds(p.approval_times.p90))]))
    fb = {"feedback and closing messages": ev.feedback.messages, "delivered to reporters": ev.feedback.delivered}
    add("feedback", "Feedback given to reporters per month",
        _grouped({k: [float(x) for x in v] for k, v in fb.items()}, MONTHS, "messages"),
        (("", *MONTHS, "total"), [(k, *map(str, v), str(sum(v))) for k, v in fb.items()]),
        f"Members' reports a feedback or closing referred to: {ev.feedback.reports_answered} of "
        f"{ev.feedback.reports}.")
    heads = ev.members
    add("members", f"Members and consent by channel{f' ({ev.members_day})' if ev.members_day else ''}",
        _grouped({"members": [float(h.members) for h in heads.values()],
                  "consented": [float(h.consented) for h in heads.values()]}, list(heads), "members"),
        (("channel", "members", "consented"), [(_label(c), str(h.members), str(h.consented))
                                               for c, h in heads.items()]))
    ch = ev.channels
    outcomes = {"delivered": [float(c.delivered) for c in ch.values()],
                "failed": [float(c.failed) for c in ch.values()],
                "fell back": [float(c.fell_back) for c in ch.values()]}
    add("deliveries", "Deliveries per channel with failure ratio",
        _channels(list(ch), outcomes, [c.failure_ratio for c in ch.values()]),
        (("channel", "delivered", "failed", "fell back", "still retrying", "failure ratio"),
         [(c, str(o.delivered), str(o.failed), str(o.fell_back), str(o.pending),
           "–" if o.failure_ratio is None else f"{o.failure_ratio:.1%}") for c, o in ch.items()]))
    return out


def _approvals(decisions: dict[str, int], times: Times) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        ax.barh(list(decisions), list(decisions.values()), color=PALETTE[:3])
        ax.set_xlabel("messages held for approval")
        ax.set_title(f"approval time: median {_seconds(times.median)}, p90 {_seconds(times.p90)}", fontsize=9)
    return draw


def _channels(names: list[str], outcomes: dict[str, list[float]],
              ratios: list[float | None]) -> Callable[[Axes], None]:
    stacked = _stacked({k: [int(x) for x in v] for k, v in outcomes.items()}, names, "deliveries")

    def draw(ax: Axes) -> None:
        stacked(ax)
        totals = [sum(v[i] for v in outcomes.values()) for i in range(len(names))]
        for i, ratio in enumerate(ratios):
            text = "–" if ratio is None else f"failure ratio {ratio:.1%}"
            ax.annotate(text, (i, totals[i]), ha="center", va="bottom", fontsize=9)
    return draw


STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0 0 8px; }
p.lede { color: #555; margin: 0 0 20px; } p.note { font-size: 12px; margin: 4px 0 0; }
section.chart { width: 900px; margin: 0 0 28px; page-break-inside: avoid; }
section.chart svg { display: block; width: 900px; height: 360px; }
table { border-collapse: collapse; font-size: 11px; margin-top: 6px; }
td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
"""


def page(ev: Evaluation, network_name: str) -> str:
    """The evaluation as a standalone HTML page."""
    e = html.escape
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(network_name)} — evaluation {ev.year}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(network_name)} — yearly evaluation {ev.year}</h1>",
        f'<p class="lede">{ev.totals.get("reports", 0)} members\' reports, {ev.totals.get("messages", 0)} police '
        f'and coordinator messages, {ev.totals.get("deliveries", 0)} deliveries. From the ledger of network '
        f"<code>{e(ev.network)}</code>; months are Brussels months; no personal data.</p>",
    ]
    for c in charts(ev):
        head, rows = c.table
        cells = "".join(f"<th>{e(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>" for row in rows)
        note = f'<p class="note">{e(c.note)}</p>' if c.note else ""
        parts.append(f'<section class="chart" id="{c.id}"><h2>{e(c.title)}</h2>{c.svg}'
                     f"<table><tr>{cells}</tr>{body}</table>{note}</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def chromium() -> str | None:
    """Headless Chromium's command, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def headless(browser: str, args: list[str], url: str, timeout: float = 180.0) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium on ``url`` with ``args`` (a throwaway profile; no sandbox when root,
    which Chromium refuses otherwise)."""
    with tempfile.TemporaryDirectory(prefix="binrelay-chromium-") as profile:
        argv = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *args, url]
        return subprocess.run(argv, capture_output=True, timeout=timeout, check=False)


def print_pdf(html_file: Path, pdf: Path) -> str | None:
    """Print ``html_file`` to ``pdf`` with headless Chromium; None when done, else why not."""
    browser = chromium()
    if browser is None:
        return "no PDF: Chromium is not installed (deploy/local/sysdeps.sh installs Debian's chromium)"
    try:
        done = headless(browser, [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"], html_file.resolve().as_uri())
    except subprocess.TimeoutExpired:
        return "no PDF: Chromium did not finish in time"
    if not pdf.exists() or pdf.stat().st_size == 0:
        return f"no PDF: Chromium exited {done.returncode} without writing it"
    return None
