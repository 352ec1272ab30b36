"""The change workstream's first records on both databases: named stakeholders and their analysis, a fall in
engagement raising a resistance item, ADKAR over time with group roll-ups, and the resistance register's rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.audit.models import AuditEvent
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.change import service as change
from valuegate.change.models import ResistanceItem
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation, StaleVersion

PROFILE = {
    "power": 5,
    "interest": 4,
    "influence": 4,
    "legitimacy": 5,
    "urgency": 2,
    "current_engagement": "supportive",
    "desired_engagement": "leading",
}


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    for name in ("Hanna", "Ivo", "Jon"):
        world.ids[name] = people.create_person(session, actor=SYSTEM, name=name).id
    return world


def _events(w: World) -> int:
    return int(w.s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_stakeholders_are_analysed_and_ranked(w: World) -> None:
    project = w.ids["project"]
    change.add_stakeholder(w.s, actor=w["pmo"], node_id=project, person_id=w.ids["Hanna"], **PROFILE)
    change.add_stakeholder(
        w.s,
        actor=w["owner"],
        node_id=project,
        person_id=w.ids["Ivo"],
        **{**PROFILE, "power": 2, "interest": 5, "current_engagement": "resistant", "desired_engagement": "supportive"},
    )
    rows = change.stakeholders(w.s, actor=w["viewer"], node_id=project)
    assert [r["name"] for r in rows] == ["Hanna", "Ivo"], "power × gap × (1 + urgency): 5×1×3 = 15 > 2×2×3 = 12"
    hanna, ivo = rows
    assert hanna["grid"] == "manage_closely" and hanna["salience"] == "dominant" and hanna["needs_owner"]
    assert ivo["grid"] == "keep_informed" and ivo["engagement_gap"] == 2 and not ivo["stale"]
    with pytest.raises(Conflict):
        change.add_stakeholder(w.s, actor=w["pmo"], node_id=project, person_id=w.ids["Hanna"], **PROFILE)
    w.s.rollback()


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"power": 0}, InvalidInput),
        ({"urgency": 6}, InvalidInput),
        ({"current_engagement": "hostile"}, InvalidInput),
        ({"commitment_stage": "enlightened"}, InvalidInput),
        ({"relationship_owner_id": 987654}, NotFound),
    ],
)
def test_a_bad_profile_changes_nothing(w: World, bad, error) -> None:  # type: ignore[no-untyped-def]
    before = _events(w)
    with pytest.raises(error):
        change.add_stakeholder(
            w.s, actor=w["pmo"], node_id=w.ids["project"], person_id=w.ids["Jon"], **{**PROFILE, **bad}
        )
    w.s.rollback()
    assert _events(w) == before


def test_only_the_workstream_leads_manage_it(w: World) -> None:
    for persona in ("sponsor", "controller", "viewer", "outsider"):
        refusal = NotFound if persona == "outsider" else PermissionDenied  # the outsider may not even see it
        with pytest.raises(refusal):
            change.add_stakeholder(w.s, actor=w[persona], node_id=w.ids["project"], person_id=w.ids["Jon"], **PROFILE)
        w.s.rollback()
    with pytest.raises(NotFound):
        change.stakeholders(w.s, actor=w["outsider"], node_id=w.ids["project"])
    # A change manager granted the "change" role manages it without leading the project.
    people.grant(w.s, actor=w["pmo"], person_id=w.ids["outsider"], node_id=w.ids["program"], role="change")
    change.add_stakeholder(w.s, actor=w["outsider"], node_id=w.ids["project"], person_id=w.ids["Jon"], **PROFILE)
    with pytest.raises(InvalidInput, match="program or a project"):
        change.add_stakeholder(w.s, actor=w["pmo"], node_id=w.ids["portfolio"], person_id=w.ids["Jon"], **PROFILE)


def test_a_fall_in_engagement_raises_a_resistance_item(w: World) -> None:
    s = change.add_stakeholder(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        person_id=w.ids["Hanna"],
        **{**PROFILE, "relationship_owner_id": w.ids["owner"]},
    )
    change.assess_stakeholder(
        w.s, actor=w["pmo"], stakeholder_id=s.id, version=s.version, changes={"current_engagement": "neutral"}
    )
    items = change.resistance_register(w.s, actor=w["pmo"], node_id=w.ids["project"])
    assert len(items) == 1
    item = items[0]
    assert item["channel"] == "engagement_drop" and item["stakeholder_id"] == s.id
    assert item["owner_id"] == w.ids["owner"] and "supportive to neutral" in item["objection"]
    # Rising engagement raises nothing; a stale version is refused.
    change.assess_stakeholder(
        w.s, actor=w["pmo"], stakeholder_id=s.id, version=s.version, changes={"current_engagement": "leading"}
    )
    assert len(change.resistance_register(w.s, actor=w["pmo"], node_id=w.ids["project"])) == 1
    with pytest.raises(StaleVersion):
        change.assess_stakeholder(w.s, actor=w["pmo"], stakeholder_id=s.id, version=1, changes={"power": 1})
    w.s.rollback()


def test_adkar_over_time_and_group_rollup(w: World) -> None:
    project = w.ids["project"]
    ids = [
        change.add_stakeholder(w.s, actor=w["pmo"], node_id=project, person_id=w.ids[n], **PROFILE).id
        for n in ("Hanna", "Ivo", "Jon")
    ]
    scores = [(4, 2, 5, 5, 1), (5, 5, 5, 4, 4), (3, 1, 2, 2, 2)]
    for sid, values in zip(ids, scores, strict=True):
        change.assess_adkar(
            w.s,
            actor=w["pmo"],
            node_id=project,
            stakeholder_id=sid,
            scores=dict(zip(("awareness", "desire", "knowledge", "ability", "reinforcement"), values, strict=True)),
            assessed_on=TODAY - timedelta(days=10),
        )
    # A later assessment replaces Hanna's in the overview; the history stays.
    change.assess_adkar(
        w.s,
        actor=w["pmo"],
        node_id=project,
        stakeholder_id=ids[0],
        scores={"awareness": 5, "desire": 4, "knowledge": 3, "ability": 4, "reinforcement": 4},
    )
    overview = change.adkar_overview(w.s, actor=w["viewer"], node_id=project)
    assert overview["assessments"] == 4
    by_id = {p["stakeholder_id"]: p for p in overview["people"]}
    assert by_id[ids[0]]["barrier"] == "knowledge" and by_id[ids[1]]["barrier"] is None
    assert by_id[ids[2]]["barrier"] == "awareness" and by_id[ids[2]]["intervention"]
    roll = overview["rollup"]
    assert roll["people"] == 3 and roll["ready"] == 1
    assert roll["barriers"]["knowledge"] == 1 and roll["barriers"]["awareness"] == 1

    group = change.add_group(w.s, actor=w["pmo"], node_id=project, name="Accounts payable", size=42)
    change.assess_adkar(
        w.s,
        actor=w["pmo"],
        node_id=project,
        group_id=group.id,
        scores={"awareness": 4, "desire": 4, "knowledge": 2, "ability": 2, "reinforcement": 2},
    )
    assert change.adkar_overview(w.s, actor=w["pmo"], node_id=project)["groups"][0]["barrier"] == "knowledge"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"scores": {"awareness": 9, "desire": 4, "knowledge": 4, "ability": 4, "reinforcement": 4}}, "1 to 5"),
        ({"scores": {"awareness": 4}}, "missing"),
        ({"stakeholder_id": None}, "either a stakeholder or an audience group"),
        ({"assessed_on": TODAY + timedelta(days=1)}, "future"),
    ],
)
def test_bad_adkar_input_changes_nothing(w: World, kwargs, words: str) -> None:  # type: ignore[no-untyped-def]
    sid = change.add_stakeholder(w.s, actor=w["pmo"], node_id=w.ids["project"], person_id=w.ids["Jon"], **PROFILE).id
    before = _events(w)
    call = {
        "node_id": w.ids["project"],
        "stakeholder_id": sid,
        "scores": {"awareness": 4, "desire": 4, "knowledge": 4, "ability": 4, "reinforcement": 4},
        **kwargs,
    }
    with pytest.raises(InvalidInput, match=words):
        change.assess_adkar(w.s, actor=w["pmo"], **call)
    w.s.rollback()
    assert _events(w) == before


def test_the_resistance_register_rules(w: World) -> None:
    project = w.ids["project"]
    item = change.raise_resistance(
        w.s, actor=w["pmo"], node_id=project, objection="The new tool doubles our month-end work", channel="manager"
    )

    def update(**changes):  # type: ignore[no-untyped-def]
        w.s.refresh(item)
        return change.update_resistance(w.s, actor=w["pmo"], item_id=item.id, version=item.version, changes=changes)

    with pytest.raises(RuleViolation, match="reason and the ADKAR element"):
        update(status="mitigating")
    w.s.rollback()
    with pytest.raises(RuleViolation, match="not on awareness"):
        update(underlying_reason="lack_of_awareness", adkar_element="awareness", tactic="training")
    w.s.rollback()
    update(underlying_reason="lack_of_awareness", adkar_element="awareness", tactic="show_real_benefits")
    update(status="mitigating")
    with pytest.raises(InvalidInput, match="resolved"):
        update(status="resolved")
    w.s.rollback()
    update(status="resolved", resolution="Demo of the time saved at month end; the team agreed.")
    assert item.status == "resolved"
    with pytest.raises(InvalidInput, match="never names"):
        change.raise_resistance(
            w.s, actor=w["pmo"], node_id=project, objection="x", channel="anonymous", raised_by_id=w.ids["Jon"]
        )
    w.s.rollback()


def test_anonymous_objections_name_nobody_and_old_ones_escalate(w: World) -> None:
    project = w.ids["project"]
    item = change.raise_resistance(
        w.s, actor=w["pmo"], node_id=project, objection="Nobody asked us", channel="anonymous"
    )
    event = w.s.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "resistance_item", AuditEvent.entity_id == item.id)
    )
    assert event is not None and event.actor_id is None and "raised_by_id" not in (event.after or {})
    assert item.raised_by_id is None
    item.raised_on = TODAY - timedelta(days=40)
    w.s.commit()
    assert change.escalate_stale_resistance(w.s, TODAY) == 1
    assert change.escalate_stale_resistance(w.s, TODAY) == 0, "escalated once"
    w.s.commit()
    assert w.s.get(ResistanceItem, item.id).escalated_on == TODAY  # type: ignore[union-attr]
