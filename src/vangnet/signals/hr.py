"""HR figures: the CSV format, its checks (a clear Dutch message per row), and the HR source.

CSV columns (header required, comma or semicolon):
    kwartaal, afdeling, bezetting, verzuim, ziekmeldingen, uitstroom, exitthemas
- kwartaal: 2026-K3 (or 2026-Q3)
- afdeling: the code of the unit (or its exact name when it has no code)
- bezetting: the number of people directly in the unit (not its sub-units)
- verzuim: absence percentage, 0–100, decimal comma or point
- ziekmeldingen, uitstroom: counts in the quarter
- exitthemas: optional, e.g. "werkdruk=2; leidinggevende=1" (themes of exit interviews)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.core.anonymity import threshold
from vangnet.core.signal_sources import Figure, Measure, Quarter, Subtrees

COLUMNS = ("kwartaal", "afdeling", "bezetting", "verzuim", "ziekmeldingen", "uitstroom",
           "exitthemas")
EXIT_THEMES = {
    "werkdruk": gettext_lazy("Workload"),
    "leidinggevende": gettext_lazy("Manager"),
    "sfeer": gettext_lazy("Atmosphere in the team"),
    "ongewenst-gedrag": gettext_lazy("Unwanted behaviour"),
    "loopbaan": gettext_lazy("Career"),
    "overig": gettext_lazy("Other"),
}
EXAMPLE = ("kwartaal;afdeling;bezetting;verzuim;ziekmeldingen;uitstroom;exitthemas\r\n"
           "2026-K3;JEUGD;12;5,4;3;1;werkdruk=1\r\n")


@dataclass(frozen=True)
class HRRow:
    line: int
    quarter: Quarter
    unit_id: int
    headcount: int
    absence_percent: Decimal
    sick_reports: int
    leavers: int
    exit_themes: dict[str, int] = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[HRRow]
    errors: list[dict[str, object]]


def _count(text: str, label: str) -> tuple[int | None, str]:
    text = text.strip()
    if not text.isdigit():
        return None, _("%(column)s must be a whole number of 0 or more, not “%(value)s”.") % {
            "column": label, "value": text[:40]}
    return int(text), ""


def parse_row(row: Mapping[str, str], *, line: int, units: Mapping[str, int]) -> HRRow | str:
    """One row: the row, or the reasons it is wrong (Dutch, naming the column)."""
    problems: list[str] = []
    quarter: Quarter | None = None
    try:
        quarter = Quarter.parse(row.get("kwartaal", ""))
    except ValueError:
        problems.append(_("kwartaal must look like 2026-K3, not “%(value)s”.")
                        % {"value": row.get("kwartaal", "")[:40]})
    unit_key = row.get("afdeling", "").strip()
    unit_id = units.get(unit_key.casefold())
    if unit_id is None:
        problems.append(_("afdeling “%(value)s” is not a code or name of a unit "
                          "here.") % {"value": unit_key[:60]})
    headcount, problem = _count(row.get("bezetting", ""), "bezetting")
    problems += [problem] if problem else []
    sick, problem = _count(row.get("ziekmeldingen", ""), "ziekmeldingen")
    problems += [problem] if problem else []
    leavers, problem = _count(row.get("uitstroom", ""), "uitstroom")
    problems += [problem] if problem else []
    absence: Decimal | None = None
    raw = row.get("verzuim", "").strip().replace(",", ".").rstrip("%").strip()
    try:
        absence = Decimal(raw)
        if not absence.is_finite() or not Decimal(0) <= absence <= Decimal(100):
            raise InvalidOperation
        absence = absence.quantize(Decimal("0.01"))
    except InvalidOperation:
        absence = None
        problems.append(_("verzuim must be a percentage from 0 to 100, not “%(value)s”.")
                        % {"value": row.get("verzuim", "")[:40]})
    themes: dict[str, int] = {}
    raw_themes = row.get("exitthemas", "")
    separator = ";" if ";" in raw_themes else ","
    for part in filter(None, (p.strip() for p in raw_themes.split(separator))):
        name, _sep, number = part.partition("=")
        name = name.strip().casefold()
        if name not in EXIT_THEMES or not number.strip().isdigit():
            problems.append(_("exitthemas: “%(value)s” is not theme=number with a theme from: "
                              "%(themes)s.") % {"value": part[:40], "themes": ", ".join(EXIT_THEMES)})
            continue
        themes[name] = themes.get(name, 0) + int(number)
    if leavers is not None and sum(themes.values()) > leavers:
        problems.append(_("exitthemas counts more themes than there were leavers (uitstroom)."))
    if headcount is not None and leavers is not None and leavers > headcount:
        problems.append(_("uitstroom cannot be larger than bezetting."))
    if (problems or quarter is None or unit_id is None or headcount is None or sick is None
            or leavers is None or absence is None):
        return " ".join(problems)
    return HRRow(line, quarter, unit_id, headcount, absence, sick, leavers, themes)


def parse(text: str, *, units: Mapping[str, int]) -> Parsed:
    """Every row checked; errors carry the line number as a spreadsheet shows it."""
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().casefold() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[:-1] if c not in header]
    if missing:
        return Parsed([], [{"line": 1, "message": _("The first line must name the columns; "
                                                     "missing: %(columns)s.")
                            % {"columns": ", ".join(missing)}}])
    rows: list[HRRow] = []
    errors: list[dict[str, object]] = []
    seen: dict[tuple[int, Quarter], int] = {}
    for index, raw in enumerate(reader, start=2):
        row = {(k or "").strip().casefold(): (v or "") for k, v in raw.items() if isinstance(v, str)}
        if not any(v.strip() for v in row.values()):
            continue
        result = parse_row(row, line=index, units=units)
        if isinstance(result, str):
            errors.append({"line": index, "message": result})
            continue
        earlier = seen.get((result.unit_id, result.quarter))
        if earlier is not None:
            errors.append({"line": index, "message": _(
                "This unit and quarter are on line %(line)d already.") % {"line": earlier}})
            continue
        seen[(result.unit_id, result.quarter)] = index
        rows.append(result)
    return Parsed(rows, errors)


# --- the source --------------------------------------------------------------------------------

ABSENCE = Measure(
    key="hr.absence", label=gettext_lazy("Absence (HR)"), kind="percent", higher_is_better=False,
    concern=6.0, min_change=1.0, tags=frozenset({"absence"}), population="hr",
    werkvormen=("werkdruk-check-in", "wekelijkse-check-in"),
    explanation=gettext_lazy("Share of contracted hours lost to sickness, as HR reports it."))
SICK_FREQUENCY = Measure(
    key="hr.sick_frequency", label=gettext_lazy("Sick reports per person per year (HR)"),
    kind="rate", higher_is_better=False, concern=1.5, min_change=0.3, population="hr",
    werkvormen=("signalen-herkennen",),
    explanation=gettext_lazy("How often people report sick, per person, scaled to a year."))
TURNOVER = Measure(
    key="hr.turnover", label=gettext_lazy("Turnover (HR)"), kind="percent",
    higher_is_better=False, concern=5.0, min_change=2.0, population="hr",
    werkvormen=("nieuwe-collega-welkom", "retrospectief-samenwerking"),
    explanation=gettext_lazy("Share of people who left in the quarter."))
HR_MEASURES = (ABSENCE, SICK_FREQUENCY, TURNOVER)


@dataclass(frozen=True)
class HRData:
    """What the HR source reads: figures per own unit, and the unit tree."""

    rows: Sequence[tuple[int, Quarter, int, float, int, int]]  # unit, quarter, headcount, %, sick, leavers
    parents: Mapping[int, int | None]


def hr_figures(data: HRData, *, k: int | None = None) -> Iterable[Figure]:
    """Each unit's figure over itself and its sub-units, and the organisation's; hidden below k."""
    k = threshold() if k is None else k
    subtrees = Subtrees(data.parents)
    by_quarter: dict[Quarter, dict[int, tuple[int, float, int, int]]] = {}
    for row_unit, quarter, headcount, absence, sick, leavers in data.rows:
        by_quarter.setdefault(quarter, {})[row_unit] = (headcount, absence, sick, leavers)
    for quarter, own in by_quarter.items():
        reported = set(own)  # once per quarter, not once per unit (quadratic at 2,000 units)
        groups: list[tuple[int | None, set[int]]] = [(None, reported)]
        groups += [(unit, found) for unit in data.parents
                   if (found := subtrees.below[unit] & reported)]
        for group_unit, members in groups:
            people: int = sum(own[u][0] for u in members)
            hidden = people < k
            mean_absence = (sum(own[u][0] * own[u][1] for u in members) / people) if people else 0.0
            sick_rate = sum(own[u][2] for u in members) * 4 / people if people else 0.0
            turnover = 100 * sum(own[u][3] for u in members) / people if people else 0.0
            values: tuple[tuple[Measure, float], ...] = (
                (ABSENCE, mean_absence), (SICK_FREQUENCY, sick_rate), (TURNOVER, turnover))
            for measure, value in values:
                yield Figure(measure.key, group_unit, quarter, None if hidden else round(value, 2), people)

