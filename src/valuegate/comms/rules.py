"""The communication matrix's rules, without a database: cadences as iCalendar recurrence rules, occurrences,
sender fit, repetition and the first message's content (reference §1.6).

Prosci: business and organisational messages are best sent by senior leaders, personal-impact messages by the
person's own people manager; key messages are repeated 5–7 times; the first communication to an audience covers
why the change, why now, and the risk of not changing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from itertools import islice

from dateutil.rrule import rrule, rrulestr

MESSAGE_TYPES = ("business_reason", "personal_impact", "how_to", "progress", "reinforcement")
CHANNELS = (
    "face_to_face",
    "team_meeting",
    "town_hall",
    "email",
    "intranet",
    "newsletter",
    "chat",
    "video",
    "training",
)
MESSENGER_ROLES = ("sponsor", "senior_leader", "people_manager", "champion", "project_team")
# Who should deliver a message of this type (Prosci's preferred senders); other types have no preference.
PREFERRED_SENDERS: dict[str, tuple[str, ...]] = {
    "business_reason": ("sponsor", "senior_leader"),
    "personal_impact": ("people_manager",),
}
STATUSES = ("planned", "cancelled")
ITEM_STATES = ("scheduled", "overdue", "done", "cancelled")  # where a planned item stands today
REPETITION_STATES = ("reached", "short")
REPETITION_TARGET = 5
REPETITION_RANGE = range(5, 8)  # Prosci: 5–7 times
# Plain-language cadences a planner picks from; anything else is given as an RRULE.
CADENCES: dict[str, str] = {
    "daily": "FREQ=DAILY",
    "weekly": "FREQ=WEEKLY",
    "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
}
MAX_RULE_LENGTH = 300
MAX_OCCURRENCES = 400  # a calendar never lists more of one item than this


class RecurrenceError(ValueError):
    """A recurrence rule that cannot be used, with the reason in words."""


def normalise_recurrence(text: str | None) -> str | None:
    """The RRULE for a cadence name or an RRULE text (with or without the ``RRULE:`` prefix); ``None`` for once.

    Rules more frequent than daily are refused (a message does not recur every hour), as are rules with a start of
    their own (the item's planned date is the start) and rules that produce no occurrence at all.
    """
    if text is None or not text.strip() or text.strip().lower() == "once":
        return None
    raw = text.strip()
    if raw.lower() in CADENCES:
        return CADENCES[raw.lower()]
    if len(raw) > MAX_RULE_LENGTH:
        raise RecurrenceError(f"A recurrence rule is at most {MAX_RULE_LENGTH} characters.")
    body = raw[len("RRULE:") :] if raw.upper().startswith("RRULE:") else raw
    if "\n" in body or "DTSTART" in body.upper():
        raise RecurrenceError("Give one RRULE line without DTSTART; the planned date is where the cadence starts.")
    try:
        rule = rrulestr(body, dtstart=datetime(2000, 1, 3))
    except (ValueError, TypeError, KeyError) as exc:
        detail = "" if "unpack" in str(exc) else f" ({exc})"
        raise RecurrenceError(
            f"'{raw}' is not a recurrence rule{detail}. Use {', '.join(CADENCES)}, or an RRULE such as "
            "FREQ=WEEKLY;BYDAY=MO;COUNT=6."
        ) from exc
    if not isinstance(rule, rrule):
        raise RecurrenceError("Give a single RRULE.")
    if _parts(body).get("FREQ") in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise RecurrenceError("A communication recurs at most daily.")
    if next(iter(rule), None) is None:
        raise RecurrenceError(f"The rule '{raw}' never produces a date.")
    return body.upper()


def _parts(rule: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)


def occurrences(planned_on: date, recurrence: str | None, start: date, end: date) -> list[date]:
    """The dates of an item between ``start`` and ``end`` inclusive (at most MAX_OCCURRENCES)."""
    if recurrence is None:
        return [planned_on] if start <= planned_on <= end else []
    rule = rrulestr(recurrence, dtstart=datetime.combine(planned_on, time()))
    window = rule.between(datetime.combine(start, time()), datetime.combine(end, time()), inc=True)
    return [d.date() for d in islice(window, MAX_OCCURRENCES)]


def start_problem(planned_on: date, recurrence: str | None) -> str | None:
    """Calendar applications always show the start date, even where the rule would skip it (RFC 5545 leaves that
    undefined), so the planned date must be the cadence's first date."""
    if recurrence is None:
        return None
    rule = rrulestr(recurrence, dtstart=datetime.combine(planned_on, time()))
    first = next(iter(rule), None)
    if first is not None and first.date() == planned_on:
        return None
    when = f"is {first.date().isoformat()}" if first else "never comes"
    return (
        f"The planned date {planned_on.isoformat()} is not a date of this cadence (its first date {when}); "
        "plan the item on its first sending."
    )


def total_occurrences(planned_on: date, recurrence: str | None) -> int | None:
    """How many times a bounded item occurs in all; ``None`` when the rule has no end."""
    if recurrence is None:
        return 1
    if not {"COUNT", "UNTIL"} & set(_parts(recurrence)):
        return None
    rule = rrulestr(recurrence, dtstart=datetime.combine(planned_on, time()))
    return sum(1 for _ in islice(rule, MAX_OCCURRENCES))


def sender_problem(message_type: str, messenger_role: str) -> str | None:
    preferred = PREFERRED_SENDERS.get(message_type)
    if preferred is None or messenger_role in preferred:
        return None
    who = " or ".join(r.replace("_", " ") for r in preferred)
    kind = message_type.replace("_", " ")
    return f"People want {kind} messages from a {who}, not from a {messenger_role.replace('_', ' ')}."


def first_message_gaps(covers_why: bool, covers_why_now: bool, covers_risk: bool) -> list[str]:
    """What the first message to an audience still has to say."""
    gaps = []
    if not covers_why:
        gaps.append("why the change")
    if not covers_why_now:
        gaps.append("why now")
    if not covers_risk:
        gaps.append("the risk of not changing")
    return gaps


def repetition_status(sent: int, target: int) -> str:
    return "reached" if sent >= target else "short"


def overdue(planned: Iterable[date], sent: Iterable[date], today: date) -> list[date]:
    """Planned occurrences before today that have not been sent."""
    done = set(sent)
    return sorted(d for d in planned if d < today and d not in done)


_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


def describe(recurrence: str | None) -> str:
    """A cadence in words: 'every 2 weeks on Monday, 6 times'; the rule itself when it is unusual."""
    if recurrence is None:
        return "once"
    parts = _parts(recurrence)
    unit = _UNITS.get(parts.get("FREQ", ""))
    known = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY"}
    if unit is None or set(parts) - known:
        return recurrence
    interval = int(parts.get("INTERVAL", "1"))
    text = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    if interval == 1 and unit == "week" and "BYDAY" not in parts:
        text = "weekly"
    if "BYDAY" in parts:
        days = [_DAYS.get(d, d) for d in parts["BYDAY"].split(",")]
        text += " on " + ", ".join(days)
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        text += f", until {until[:4]}-{until[4:6]}-{until[6:8]}"
    return text
