"""One report, four shapes: HTML context, PDF, CSV and the API's JSON.

All four are built from the same `scoring.Results`, which is already suppressed; nothing here reads
answers itself. Groups that were left out (too small) are named only as "not shown".
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from vangnet.core.charts import bar_chart
from vangnet.core.csvsafe import csv_writer

from . import selectors
from .content import DONT_KNOW, SCALE_VALUES, instrument
from .models import Round
from .scoring import GroupStatus, Priority, Results

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation

# The largest statement gaps listed in the gaps section; all figures stay in the statements table.
GAPS_LISTED = 8
STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()


def fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def fmt_share(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


@dataclass(frozen=True)
class PriorityView:
    priority: Priority
    werkvormen: list[selectors.WerkvormLink]
    action_text: str


@dataclass(frozen=True)
class IntakeRow:
    label: str
    answers: str
    through_shared: str
    status: str


def intake_rows(results: Results) -> list[IntakeRow]:
    """Per group: how many answered and how many of those through a shared (or unbound) link.

    Counts of a group with fewer than k answers are only given as "< k", as elsewhere.
    """
    mark = f"< {results.k}"
    statuses = {
        GroupStatus.ALONE: _("shown"),
        GroupStatus.MERGED: _("shown with other groups together"),
        GroupStatus.TOO_FEW: _("not shown: too few answers"),
        GroupStatus.TOO_FEW_BOUND: _("not shown: too few answers through personal links"),
        GroupStatus.EMPTY: _("no answers"),
    }
    rows = []
    for group in results.intake:
        small = 0 < group.answers < results.k
        rows.append(IntakeRow(group.label, mark if small else str(group.answers),
                              mark if small else str(group.unbound), str(statuses[group.status])))
    return rows


def _labels(results: Results) -> dict[str, str]:
    """The groups' names as the results carry them (the organisation's own names)."""
    return {g.key: g.label for g in results.intake}


def report_context(*, round_: Round, organisation: Organisation) -> dict[str, Any]:
    results = selectors.round_results(round_=round_)
    previous, trend_rows = selectors.trend(round_=round_, results=results)
    instrument_ = instrument(round_.instrument_version)
    priorities = [
        PriorityView(p, selectors.werkvormen_for(organisation=organisation,
                                                 slugs=p.statement.werkvormen),
                     str(p.statement.action))
        for p in results.priorities
    ]
    labels = _labels(results)
    hidden_groups = [labels[g] for g in results.plan.dropped]
    empty_groups = [labels[g] for g in results.plan.empty]
    merged_groups = [labels[g] for g in results.plan.merged]
    pillar_rows = [
        {"pillar": p, "overall": fmt(p.overall),
         "groups": [fmt(p.by_group.get(c.key)) for c in results.columns]}
        for p in results.pillars
    ]
    statement_rows = [
        {"result": s, "overall": fmt(s.overall),
         "groups": [fmt(s.by_group.get(c.key)) for c in results.columns],
         "distribution": [s.distribution[v] for v in (*SCALE_VALUES, DONT_KNOW)]
         if s.distribution else [],
         "dont_know": fmt_share(s.dont_know_share)}
        for s in results.statements
    ]
    by_pillar = [
        {"pillar": p, "rows": [r for r in statement_rows
                               if r["result"].statement.pillar == p.number]}  # type: ignore[attr-defined]
        for p in instrument_.pillars
    ]
    show_groups = bool(results.pillars and results.pillars[0].by_group)
    pillar_gaps = [g for g in results.gaps if g.subject == "pillar"]
    statement_gaps = [g for g in results.gaps if g.subject == "statement"]
    return {
        "gaps_shown": pillar_gaps + statement_gaps[:GAPS_LISTED],
        "gaps_more": max(0, len(statement_gaps) - GAPS_LISTED),
        "round": round_,
        "results": results,
        "instrument": instrument_,
        "trend_break": any(not row.comparable for row in trend_rows),
        "statement_trend": selectors.statement_trend(round_=round_, previous=previous,
                                                     results=results),
        "dont_know_findings": [(s.statement, fmt_share(s.dont_know_share))
                               for s in results.statements if s.many_dont_know],
        "pillar_rows": pillar_rows,
        "statements_by_pillar": by_pillar,
        "scale_labels": [str(o.label) for o in sorted(instrument().scale,
                                                      key=lambda o: (o.value == 0, o.value))],
        "show_groups": show_groups,
        "priorities": priorities,
        "hidden_groups": hidden_groups,
        "empty_groups": empty_groups,
        "merged_groups": merged_groups,
        "previous": previous,
        "trend_rows": trend_rows,
        "pillar_chart": pillar_chart(results, chart_id=f"qs{round_.pk}-pillars"),
        "trend_chart": trend_chart(previous, trend_rows, chart_id=f"qs{round_.pk}-trend"),
        "suppressed_mark": f"< {results.k}",
        "intake_rows": [] if round_.is_solo else intake_rows(results),
        "too_few_bound": [g.label for g in results.groups_too_few_bound],
        "acceptance": selectors.shared_risk_acceptance(round_=round_),
    }


def pillar_chart(results: Results, *, chart_id: str) -> str:
    if not results.has_figures:
        return ""
    series = [(_("Everyone"), [p.overall for p in results.pillars])]
    if results.pillars and results.pillars[0].by_group:
        series += [(c.label, [p.by_group.get(c.key) for p in results.pillars])
                   for c in results.columns]
    return bar_chart(chart_id=chart_id, title=_("Score per pillar (0–100)"),
                     labels=[f"{p.number}. {p.title}" for p in results.pillars], series=series,
                     value_label=_("score (0–100)"))


def trend_chart(previous: Round | None, rows: list[selectors.TrendRow], *, chart_id: str) -> str:
    if previous is None or not rows:
        return ""
    return bar_chart(chart_id=chart_id, title=_("Score per pillar: previous round and this round"),
                     labels=[f"{r.number}. {r.title}" for r in rows],
                     series=[(previous.title, [r.previous for r in rows]),
                             (_("This round"), [r.current for r in rows])],
                     value_label=_("score (0–100)"))


def results_as_dict(*, round_: Round, results: Results) -> dict[str, Any]:
    """The API's shape. Hidden figures are null; left-out groups are not listed with figures."""
    acceptance = selectors.shared_risk_acceptance(round_=round_)
    return {
        "round": {"id": round_.pk, "title": round_.title, "status": round_.status,
                  "statements_version": round_.instrument_version,
                  "kind": round_.kind, "unit": round_.unit_name or None,
                  "closed_at": round_.closed_at.isoformat() if round_.closed_at else None},
        "threshold": results.k,
        "respondents": results.respondents,
        "groups": [{"key": c.key, "label": c.label, "respondents": c.size}
                   for c in results.columns] if results.has_figures else [],
        "intake": [] if round_.is_solo else [
            {"label": row.label, "answers": row.answers, "through_shared_link": row.through_shared,
             "status": group.status}
            for row, group in zip(intake_rows(results), results.intake, strict=True)],
        "shared_link_risk_accepted": None if acceptance is None else {
            "accepted_by": acceptance.accepted_by_name,
            "accepted_at": acceptance.accepted_at.isoformat(),
            "statement": acceptance.statement, "reason": acceptance.reason},
        "groups_not_shown": [_labels(results)[g] for g in results.plan.dropped],
        "pillars": [
            {"number": p.number, "title": p.title, "score": _round(p.overall),
             "by_group": {k: _round(v) for k, v in p.by_group.items()}}
            for p in results.pillars
        ],
        "statements": [
            {"code": s.statement.code, "pillar": s.statement.pillar,
             "text": str(s.statement.text), "score": _round(s.overall),
             "reverse_keyed": s.statement.reverse,
             "distribution": ({str(k): v for k, v in s.distribution.items()}
                              if s.distribution else None),
             "dont_know_share": (None if s.dont_know_share is None
                                 else round(s.dont_know_share, 3)),
             "by_group": {k: _round(v) for k, v in s.by_group.items()}}
            for s in results.statements
        ],
        "gaps": [
            {"subject": g.subject, "code": g.code, "high_group": g.high, "low_group": g.low,
             "high_score": _round(g.high_score), "low_score": _round(g.low_score),
             "difference": _round(g.difference)}
            for g in results.gaps
        ],
        "priorities": [
            {"code": p.statement.code, "score": _round(p.score), "gap": _round(p.gap),
             "werkvormen": list(p.statement.werkvormen), "action": str(p.statement.action)}
            for p in results.priorities
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def results_csv(*, round_: Round, results: Results) -> str:
    """Long format: one row per figure. Hidden figures are left empty and marked."""
    buffer = io.StringIO()
    # Titles are typed by coordinators: a title like =HYPERLINK(...) must stay text.
    writer = csv_writer(buffer)
    writer.writerow([_("round"), _("subject"), _("code"), _("title"), _("group"), _("score"),
                     _("note")])
    mark = _("hidden to protect small groups")
    columns = [("", _("Everyone"))] + [(c.key, c.label) for c in results.columns]

    def rows(subject: str, code: str, title: str, overall: float | None,
             by_group: dict[str, float | None]) -> None:
        for key, label in columns:
            if key and key not in by_group:
                continue
            value = overall if not key else by_group[key]
            writer.writerow([round_.title, subject, code, title, label, fmt(value),
                             "" if value is not None else mark])

    for p in results.pillars:
        rows(_("pillar"), str(p.number), p.title, p.overall, p.by_group)
    for s in results.statements:
        rows(_("statement"), s.statement.code, str(s.statement.text), s.overall, s.by_group)
    for s in results.statements:
        if s.dont_know_share is not None:
            writer.writerow([round_.title, _("share of “don't know”"), s.statement.code,
                             str(s.statement.text), "", fmt_share(s.dont_know_share), ""])
    for s in results.statements:
        if s.distribution:
            for option in instrument().scale:
                writer.writerow([round_.title, _("answers"), s.statement.code,
                                 str(s.statement.text), str(option.label),
                                 s.distribution[option.value], _("number of people")])
    if not round_.is_solo:
        for row in intake_rows(results):
            writer.writerow([round_.title, _("responses"), "", _("answers"), row.label,
                             row.answers, row.status])
            writer.writerow([round_.title, _("responses"), "",
                             _("of which through a shared link"), row.label,
                             row.through_shared, ""])
        acceptance = selectors.shared_risk_acceptance(round_=round_)
        if acceptance is not None:
            writer.writerow([round_.title, _("accepted risk of shared links"), "",
                             acceptance.statement, acceptance.accepted_by_name,
                             acceptance.accepted_at.date().isoformat(), acceptance.reason])
    return buffer.getvalue()


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    from weasyprint import default_url_fetcher  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

    if url.startswith("file://"):
        path = Path(url.removeprefix("file://")).resolve()
        if path.is_relative_to(STATIC_DIR) and path.is_file():
            return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"refused to fetch {url!r} while rendering a PDF")


def results_pdf(context: dict[str, Any]) -> bytes:
    """The same report, printed. No network: only our own static files may be fetched."""
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

    html = render_to_string("quickscan/report_pdf.html", context)
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                url_fetcher=_refuse_fetch).write_pdf()
