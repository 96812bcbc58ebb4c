"""What cases feeds the signals dashboard (ADR 0090), without content and never a case by itself:

- reports received per unit (over its sub-units) and quarter, shown only from the threshold of
  cases (the signals app also hides a unit whose count could be worked out from its parent's);
  per unit only the total, never a breakdown that would narrow a report down;
- advice-only contacts the same way (tagged `advisor_contacts`): in total, and per unit for the
  contacts an advisor recorded with a unit (docs/adr/0102), from the threshold;
- per quarter for the whole organisation: reports by category and advice-only contacts by
  category (each vector through `core.anonymity.suppress_counts`; a report about several
  categories counts under each, docs/adr/0100), and the share of retaliation check-ins
  answered "no".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.anonymity import suppress_counts, threshold
from vangnet.core.signal_sources import Figure, Measure, Quarter, Subtrees
from vangnet.organisations.public import Actor, unit_parents

from .integration import Category
from .models import AdviceContact, Case, CaseCategory, RetaliationCheckin

REPORTS = Measure(
    key="cases.reports", label=_("Reports received"), kind="count", higher_is_better=False,
    tags=frozenset({"reports"}), werkvormen=("meldroute-verkennen", "signalen-herkennen"),
    explanation=_("Reports that reached the advisors or the complaints route in the quarter. "
                  "Only shown from the threshold of reports."))
ADVICE = Measure(
    key="cases.advice_contacts", label=_("Advice-only contacts"), kind="count",
    higher_is_better=False, tags=frozenset({"advisor_contacts"}),
    werkvormen=("zo-werkt-de-vertrouwenspersoon",),
    explanation=_("Conversations with a confidential advisor that stayed advice only. Per unit "
                  "only the conversations recorded with a unit, and only from the threshold."))
NO_RETALIATION = Measure(
    key="cases.no_retaliation", label=_("Check-ins without retaliation"), kind="percent",
    higher_is_better=True, concern=90.0, min_change=10.0, unit_level=False,
    werkvormen=("nazorg-na-een-melding", "omstander-grijpt-in"),
    explanation=_("Share of reporters who answered the check-in after their case with: "
                  "I did not suffer for reporting."))


def _category_measure(prefix: str, category: Category, label: str) -> Measure:
    return Measure(key=f"{prefix}.{category.value}", label=f"{label}: {category.label}",
                   kind="count", higher_is_better=False, unit_level=False)


REPORT_CATEGORIES = tuple(_category_measure("cases.reports_by_category", c, str(_("Reports")))
                          for c in Category)
ADVICE_CATEGORIES = tuple(_category_measure("cases.advice_by_category", c, str(_("Advice")))
                          for c in Category)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class CasesSource:
    key = "cases"
    label = _("Confidential advisors and cases")

    def measures(self) -> Sequence[Measure]:
        return (REPORTS, ADVICE, NO_RETALIATION, *REPORT_CATEGORIES, *ADVICE_CATEGORIES)

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        if not quarters:
            return []
        k = threshold()
        start, end = _aware(quarters[0].start), _aware(quarters[-1].next().start)
        parents = unit_parents(organisation_id=organisation_id)
        subtrees = Subtrees(parents)
        # Each date's quarter once (not once per quarter shown): the benchmark has 6,000 cases.
        cases = [(unit, Quarter.of(timezone.localdate(at))) for unit, at in
                 Case.objects.filter(organisation_id=organisation_id, received_at__gte=start,
                                     received_at__lt=end).values_list("unit_id", "received_at")]
        # Every category of every case (a case about two categories counts under both).
        case_categories = [(category, Quarter.of(timezone.localdate(at))) for category, at in
                           CaseCategory.objects.filter(
                               case__organisation_id=organisation_id,
                               case__received_at__gte=start, case__received_at__lt=end)
                           .values_list("category", "case__received_at")]
        advice = list(AdviceContact.objects.filter(
            organisation_id=organisation_id, contact_date__gte=quarters[0].start,
            contact_date__lte=quarters[-1].end).values_list("unit_id", "category",
                                                            "contact_date"))
        checkins = list(RetaliationCheckin.objects.filter(
            case__organisation_id=organisation_id, answered_at__gte=start, answered_at__lt=end)
            .exclude(answer="").values_list("answer", "answered_at"))
        # Each row's quarter worked out once, not once per quarter asked for.
        advice_in: dict[Quarter, list[tuple[int | None, str]]] = {}
        for u, c, day in advice:
            advice_in.setdefault(Quarter.of(day), []).append((u, c))
        answers_in: dict[Quarter, list[str]] = {}
        for a, at in checkins:
            answers_in.setdefault(Quarter.of(timezone.localdate(at)), []).append(a)
        figures: list[Figure] = []
        for quarter in quarters:
            in_q = [u for u, at in cases if at == quarter]
            figures += self._per_unit(REPORTS.key, quarter, in_q, subtrees, k)
            figures += self._by_category(
                "cases.reports_by_category", quarter,
                [c for c, at in case_categories if at == quarter], k, people=len(in_q))
            advice_q = advice_in.get(quarter, [])
            figures += self._per_unit(ADVICE.key, quarter, [u for u, _c in advice_q], subtrees, k)
            figures += self._by_category("cases.advice_by_category", quarter,
                                         [c for _u, c in advice_q], k)
            answers = answers_in.get(quarter, [])
            if answers:
                no = sum(1 for a in answers if a == RetaliationCheckin.Answer.NO)
                n = len(answers)
                figures.append(Figure(NO_RETALIATION.key, None, quarter,
                                      round(100 * no / n, 1) if n >= k else None, n))
        return figures

    @staticmethod
    def _per_unit(key: str, quarter: Quarter, units: Sequence[int | None], subtrees: Subtrees,
                  k: int) -> list[Figure]:
        """The organisation's total and each unit's (over its sub-units), from the threshold.
        Items without a unit count in the total only."""
        own: dict[int | None, float] = {}
        for unit in units:
            own[unit] = own.get(unit, 0) + 1
        rolled = subtrees.roll_up(own)
        per_unit: list[tuple[int | None, float]] = [(None, len(units)), *rolled.items()]
        return [Figure(key, shown_unit, quarter, float(n) if (n := int(count)) >= k else None, n)
                for shown_unit, count in per_unit]

    @staticmethod
    def _by_category(prefix: str, quarter: Quarter, categories: list[str], k: int,
                     people: int | None = None) -> list[Figure]:
        """One vector per quarter through `suppress_counts`, whose sum (the number of times a
        category was named) is taken as known. With several categories per report that sum can
        be larger than the number of reports (`people`), which is never less safe."""
        if not categories:
            return []
        counts = {c.value: sum(1 for x in categories if x == c.value) for c in Category}
        cells = suppress_counts(counts, k=k)
        # Each category stands on the whole quarter's items (its own size is the hidden part).
        size = len(categories) if people is None else people
        return [Figure(f"{prefix}.{key}", None, quarter,
                       None if cell.suppressed else float(cell.count or 0), size)
                for key, cell in cells.items()]


@dataclass(frozen=True)
class AdvisorPatternSignal:
    """An open pattern signal as the signals dashboard may show it to a confidential advisor:
    the kind, where (a unit of at least k people, or None: the organisation or a person's code),
    the number of cases in bands of k, and the month it was last seen. Never a case or a name."""

    kind: str  # "unit" or "person"
    kind_label: str
    unit_id: int | None
    unit_name: str
    cases: str  # banded: "< 5", "5–9"
    last_seen: date


def advisor_pattern_signals(*, actor: Actor) -> list[AdvisorPatternSignal]:
    """The advisors' open pattern signals (ADR 0045) for the signals dashboard's advisor view;
    empty for anyone who is not a confidential advisor, whoever asks (ADR 0125)."""
    from . import permissions, selectors  # noqa: PLC0415 - the seam loads with the AppConfig
    from .patterns import signal_count_cell  # noqa: PLC0415

    if not permissions.can_view_pattern_signals(actor):
        return []
    return [AdvisorPatternSignal(
        kind=signal.kind, kind_label=str(signal.get_kind_display()),
        unit_id=signal.unit_id if signal.kind == signal.Kind.UNIT else None,
        unit_name=signal.unit.name if signal.unit is not None and signal.kind == signal.Kind.UNIT
        else "",
        cases=signal_count_cell(signal).display,
        last_seen=timezone.localdate(signal.last_raised_at).replace(day=1))
        for signal in selectors.pattern_signals_for(actor=actor)[:100]]
