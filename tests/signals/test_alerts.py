"""The four alert rules on shown figures."""

from __future__ import annotations

from vangnet.core.signal_sources import Figure, Measure, Quarter
from vangnet.signals.alerts import FALLING, NO_DISCUSSION, SEVERAL, SPEAK_UP, find_alerts, follow_up

Q = Quarter(2026, 3)
LOW_A = Measure("a", "A", "percent", True, concern=50.0)
LOW_B = Measure("b", "B", "percent", False, concern=6.0, min_change=1.0)
DAYS = Measure("d", "D", "days", False, tags=frozenset({"days_since_discussion"}))
CONTACTS = Measure("c", "C", "count", False, tags=frozenset({"advisor_contacts"}))
SPEAK = Measure("s", "S", "score", True, min_change=2.0, tags=frozenset({"speak_up"}))
MEASURES = {m.key: m for m in (LOW_A, LOW_B, DAYS, CONTACTS, SPEAK)}
SOURCES = {"a": "x", "b": "hr", "d": "conduct", "c": "cases", "s": "pulse"}


def shown(*items: tuple[str, int | None, Quarter, float]) -> dict:
    return {(m, u, q): Figure(m, u, q, v, 10) for m, u, q, v in items}


def test_low_on_two_sources_raises_one_alert_with_both() -> None:
    alerts = find_alerts(shown(("a", 7, Q, 40.0), ("b", 7, Q, 8.0)), measures=MEASURES,
                         source_of=SOURCES, quarter=Q)
    assert [(a.kind, a.unit_id, a.measures) for a in alerts] == [(SEVERAL, 7, ("a", "b"))]


def test_low_on_one_source_is_no_alert() -> None:
    assert find_alerts(shown(("a", 7, Q, 40.0), ("b", 7, Q, 5.0)), measures=MEASURES,
                       source_of=SOURCES, quarter=Q) == []


def test_falling_two_waves_beyond_uncertainty_only() -> None:
    p, pp = Q.previous(), Q.previous().previous()
    falling = shown(("b", 7, pp, 3.0), ("b", 7, p, 3.6), ("b", 7, Q, 4.2))
    assert [a.kind for a in find_alerts(falling, measures=MEASURES, source_of=SOURCES,
                                        quarter=Q)] == [FALLING]
    within_noise = shown(("b", 7, pp, 3.0), ("b", 7, p, 3.4), ("b", 7, Q, 3.8))
    assert find_alerts(within_noise, measures=MEASURES, source_of=SOURCES, quarter=Q) == []
    once = shown(("b", 7, pp, 3.0), ("b", 7, p, 2.9), ("b", 7, Q, 4.5))
    assert find_alerts(once, measures=MEASURES, source_of=SOURCES, quarter=Q) == []


def test_no_discussion_for_a_year() -> None:
    assert [a.kind for a in find_alerts(shown(("d", 3, Q, 400.0)), measures=MEASURES,
                                        source_of=SOURCES, quarter=Q)] == [NO_DISCUSSION]
    assert find_alerts(shown(("d", 3, Q, 200.0)), measures=MEASURES, source_of=SOURCES,
                       quarter=Q) == []


def test_contacts_rising_while_speak_up_falls() -> None:
    p = Q.previous()
    data = shown(("c", None, p, 6.0), ("c", None, Q, 9.0), ("s", None, p, 70.0), ("s", None, Q, 60.0))
    assert [a.kind for a in find_alerts(data, measures=MEASURES, source_of=SOURCES,
                                        quarter=Q)] == [SPEAK_UP]


def test_follow_up_after_an_action() -> None:
    data = shown(("b", 7, Q, 8.0), ("b", 7, Q.next(), 5.0))
    assert follow_up(data, measures=MEASURES, measure_keys=["b"], unit_id=7, since=Q,
                     latest=Q.next()) == "better"
    assert follow_up(data, measures=MEASURES, measure_keys=["b"], unit_id=7, since=Q,
                     latest=Q) == "unknown"


def test_speak_up_must_fall_beyond_its_uncertainty() -> None:
    """A pulse mean that moves within its wave's 95% interval has not fallen (issue 17: the
    pulse's speak-up scale falls)."""
    p = Q.previous()
    pulse = Measure("s", "S", "score", True, tags=frozenset({"speak_up"}))  # no min_change
    measures = {**MEASURES, "s": pulse}

    def data(before: float, now: float, margin: float) -> dict:
        return {("c", None, p): Figure("c", None, p, 6.0, 10),
                ("c", None, Q): Figure("c", None, Q, 9.0, 10),
                ("s", None, p): Figure("s", None, p, before, 40, margin=margin),
                ("s", None, Q): Figure("s", None, Q, now, 40, margin=margin)}

    assert find_alerts(data(4.6, 4.4, 0.3), measures=measures, source_of=SOURCES,
                       quarter=Q) == []
    assert [a.kind for a in find_alerts(data(4.6, 3.9, 0.3), measures=measures,
                                        source_of=SOURCES, quarter=Q)] == [SPEAK_UP]
    # Contacts that do not rise raise nothing, however far speak-up falls.
    same = {**data(4.6, 3.0, 0.3), ("c", None, Q): Figure("c", None, Q, 6.0, 10)}
    assert find_alerts(same, measures=measures, source_of=SOURCES, quarter=Q) == []
