"""The audit trail verifies when intact and names the first bad event after direct tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.factory import build_world
from valuegate.audit.service import events_as_csv, events_for_measure, verify_chain


def _without_guards(session) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with database access would do: drop the triggers first."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder"])
def test_tampering_is_detected(session, tamper: str) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    w.measure("Audited")
    session.commit()
    intact = verify_chain(session)
    assert intact.ok and intact.checked > 10
    _without_guards(session)
    if tamper == "edit":
        session.execute(text("UPDATE audit_event SET reason = 'nothing to see' WHERE id = 5"))
        expected = 5
    elif tamper == "delete":
        session.execute(text("DELETE FROM audit_event WHERE id = 7"))
        expected = 8
    else:
        session.execute(text("UPDATE audit_event SET id = -1 WHERE id = 3"))
        session.execute(text("UPDATE audit_event SET id = 3 WHERE id = 4"))
        session.execute(text("UPDATE audit_event SET id = 4 WHERE id = -1"))
        expected = 3
    session.commit()
    result = verify_chain(session)
    assert not result.ok
    assert result.first_break is not None and result.first_break.event_id == expected


def test_evidence_export_has_the_measures_history(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure("Evidence")
    events = events_for_measure(session, mid)
    assert [e["action"] for e in events] == ["measure.create", "values.plan"]
    csv_text = events_as_csv(events)
    assert csv_text.splitlines()[0].startswith("id,occurred_at,actor_id,action")
    assert len(csv_text.splitlines()) == 3
