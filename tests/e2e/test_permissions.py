"""Every route, called as every persona: allowed (2xx) or refused (403; 401 when anonymous; 404 when the persona
may not see the object at all, see test_not_revealed.py), never in between.

Each call gets fresh targets from its case's set-up, so one persona's success cannot hide another's refusal.
A refused call must leave the audit trail (and so the data) exactly as it was. A new route without a case
here fails the coverage check at the bottom.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import PASSWORD, World, build_world
from valuegate.adoption import service as adoption
from valuegate.app import create_app
from valuegate.audit.models import AuditEvent
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.change import champions, retirement
from valuegate.change import service as change
from valuegate.comms import service as comms
from valuegate.config import load_settings
from valuegate.decisions import service as decisions
from valuegate.dependencies import service as deps
from valuegate.feedback import service as feedback
from valuegate.feeds import actuals
from valuegate.feeds import service as feeds
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.gates.models import GateDef, StageDef
from valuegate.health import catalogue, plays
from valuegate.health import service as health
from valuegate.health.models import HealthAction
from valuegate.milestones import service as milestones
from valuegate.portfolio import service as portfolio

# "outsider" is signed in but holds no role anywhere: lists are empty for them, objects refused.
PERSONAS = ("owner", "sponsor", "controller", "pmo", "auditor", "viewer", "outsider")
ALL = frozenset(PERSONAS) - {"outsider"}
SIGNED_IN = frozenset(PERSONAS)
_n = itertools.count(1)

Params = dict[str, Any]


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # as in the OpenAPI document
    allowed: frozenset[str]
    setup: Callable[[World], Params] = lambda w: {}
    body: Callable[[Params], Any] | None = None
    query: Callable[[Params], dict[str, Any]] = field(default=lambda p: {})
    path: Callable[[Params], str] | None = None
    raw: bytes | None = None  # a non-JSON body (a CSV upload)
    allowed_status: int | None = None  # what an allowed call answers when it is not 2xx (permission passed first)

    def url(self, w: World, p: Params) -> str:
        if self.path:
            return self.path(p)
        return self.route.format(**{**w.ids, **p})


def _fresh(w: World) -> Params:
    return {"measure_id": w.measure(f"Fresh {next(_n)}"), "node_id": None}


def _request_by_sponsor(w: World) -> Params:
    mid = w.measure(f"Requested {next(_n)}")
    req = gates.request_move(w.s, actor=w["sponsor"], measure_id=mid, to_stage="identified")
    return {"measure_id": mid, "request_id": req.id}


def _at(stage: str) -> Callable[[World], Params]:
    def setup(w: World) -> Params:
        mid = w.measure(f"At {stage} {next(_n)}")
        w.advance(mid, stage)
        return {"measure_id": mid}

    return setup


def _implemented_with_actuals(w: World) -> Params:
    p = _at("implemented")(w)
    finance.set_values(
        w.s,
        actor=w["controller"],
        measure_id=p["measure_id"],
        series="actual",
        entries=[finance.Entry("recurring", "2026-05", 900)],
        values_version=w.version(p["measure_id"]),
    )
    return p


def _rebaseline(w: World) -> Params:
    p = _at("decided")(w)
    rb = finance.request_rebaseline(
        w.s,
        actor=w["owner"],
        measure_id=p["measure_id"],
        reason="Volume dropped",
        entries=[finance.Entry("recurring", "2026-07", 800)],
    )
    return {**p, "rebaseline_id": rb.id}


def _milestone(w: World) -> Params:
    mid = w.measure(f"With milestone {next(_n)}")
    ms = milestones.add_milestone(w.s, actor=w["owner"], measure_id=mid, name="Cut-over", due_on=TODAY)
    return {"milestone_id": ms.id, "version": ms.version}


def _person(w: World) -> Params:
    p = people.create_person(w.s, actor=SYSTEM, name=f"Person {next(_n)}")
    return {"person_id": p.id, "version": p.version}


def _grant(w: World) -> Params:
    p = _person(w)
    g = people.grant(w.s, actor=w["pmo"], person_id=p["person_id"], node_id=w.ids["project"], role="reader")
    return {"grant_id": g.id}


def _org_unit(w: World) -> Params:
    ou = portfolio.create_org_unit(w.s, actor=SYSTEM, name=f"Unit {next(_n)}", kind="other")
    return {"org_unit_id": ou.id, "version": ou.version}


def _dependency(w: World) -> Params:
    up, down = w.measure(f"Up {next(_n)}"), w.measure(f"Down {next(_n)}")
    d = deps.add_dependency(w.s, actor=w["owner"], upstream_id=up, downstream_id=down)
    return {"dependency_id": d.id, "up": up, "down": down}


def _impact(w: World) -> Params:
    mid = w.measure(f"Touches billing {next(_n)}")
    impact = deps.add_impact(w.s, actor=w["owner"], measure_id=mid, service_id=w.ids["service"])
    return {"impact_id": impact.id}


def _stakeholder(w: World) -> Params:
    person = _person(w)["person_id"]
    st = change.add_stakeholder(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        person_id=person,
        power=4,
        interest=4,
        influence=3,
        legitimacy=4,
        urgency=2,
        current_engagement="neutral",
        desired_engagement="supportive",
    )
    return {"stakeholder_id": st.id, "version": st.version}


def _resistance(w: World) -> Params:
    item = change.raise_resistance(w.s, actor=w["pmo"], node_id=w.ids["project"], objection="More work for us")
    return {"item_id": item.id, "version": item.version}


def _group(w: World) -> Params:
    g = change.add_group(w.s, actor=w["pmo"], node_id=w.ids["project"], name=f"Team {next(_n)}", size=30)
    return {"group_id": g.id}


def _message(w: World) -> Params:
    group = _group(w)["group_id"]
    item = comms.plan_message(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        audience_group_id=group,
        key_message="Why we change",
        message_type="business_reason",
        channel="town_hall",
        messenger_role="sponsor",
        planned_on=TODAY - timedelta(days=14),
        recurrence="weekly",
    )
    return {"item_id": item.id, "version": item.version, "group_id": group}


def _champion(w: World) -> Params:
    c = champions.name_champion(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        person_id=_person(w)["person_id"],
        group_id=_group(w)["group_id"],
        time_percent=10,
    )
    return {"champion_id": c.id, "version": c.version}


def _legacy(w: World) -> Params:
    item = retirement.register(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name=f"Status e-mail {next(_n)}",
        kind="email_routine",
        replacement="Status in the measure workspace",
        retire_by=TODAY + timedelta(days=60),
    )
    return {"item_id": item.id, "version": item.version}


def _metric(w: World) -> Params:
    m = adoption.define_metric(
        w.s, actor=w["pmo"], node_id=w.ids["project"], name=f"Active {next(_n)}", kind="active_users", system="erp"
    )
    return {"metric_id": m.id, "version": m.version}


def _reported(w: World) -> Params:
    m = adoption.define_metric(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name=f"Survey {next(_n)}",
        kind="reported",
        collection_method="survey",
    )
    return {"metric_id": m.id}


FEED_CONTRACT = [{"name": "CostCenter", "required": True}, {"name": "Amount", "type": "decimal", "required": True}]


def _feed(w: World) -> Params:
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name=f"GL {next(_n)}",
        channel="manual",
        due_business_day=5,
        contract=FEED_CONTRACT,
        owner_id=w.ids["owner"],
    )
    return {"feed_id": feed.id}


def _submission(w: World) -> Params:
    s = feeds.submit(
        w.s,
        actor=w["owner"],
        feed_id=_feed(w)["feed_id"],
        period="2026-05",
        filename="gl.csv",
        data=b"CostCenter,Amount\nCC-1,10\n",
    )
    return {"submission_id": s.id}


def _ledger(w: World) -> Params:
    """A ledger feed with one mapping rule to a fresh measure, and an accepted file that proposes its actual."""
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name=f"Ledger {next(_n)}",
        channel="manual",
        due_business_day=5,
        contract=FEED_CONTRACT,
        owner_id=w.ids["owner"],
        amount_column="Amount",
    )
    measure_id = _fresh(w)["measure_id"]
    rule = actuals.add_rule(w.s, actor=w["pmo"], feed_id=feed.id, match={"CostCenter": "CC-1"}, measure_id=measure_id)
    feeds.submit(
        w.s,
        actor=w["owner"],
        feed_id=feed.id,
        period="2026-05",
        filename="gl.csv",
        data=b"CostCenter,Amount\nCC-1,10\n",
    )
    proposal = actuals.proposals(w.s, actor=w["pmo"], node_id=w.ids["project"])[0]
    return {
        "feed_id": feed.id,
        "measure_id": measure_id,
        "rule_id": rule.id,
        "version": rule.version,
        "proposal_id": proposal["id"],
    }


def _feedback(w: World) -> Params:
    item = feedback.raise_feedback(w.s, actor=w["viewer"], node_id=w.ids["project"], text=f"Slow form {next(_n)}")
    return {"item_id": item.id, "version": item.version}


def _artefact(w: World) -> Params:
    item = catalogue.register(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name=f"Showback {next(_n)}",
        audience_size=10,
        published_on=TODAY - timedelta(days=120),
    )
    return {"artefact_id": item.id, "version": item.version}


def _decision(w: World) -> Params:
    meeting_id = _meeting(w)["meeting_id"]
    d = decisions.record_decision(
        w.s, actor=w["pmo"], meeting_id=meeting_id, gate_request_id=None, outcome="note", text="Showback reviewed"
    )
    return {"decision_id": d.id, **_artefact(w)}


def _alerting(w: World) -> Params:
    """An unread report raises W1; earlier takes of the play are dropped so each persona may take it."""
    _artefact(w)
    for a in w.s.scalars(select(HealthAction).where(HealthAction.status == "open")):
        a.status = "dropped"
    health.run(w.s, w.node(w.ids["project"]), TODAY, "on_demand")
    w.s.commit()
    return {}


def _action(w: World) -> Params:
    _alerting(w)
    a = plays.take(
        w.s, actor=w["pmo"], node_id=w.ids["project"], detector="W1", play="reconnect", owner_id=w.ids["owner"]
    )
    return {"action_id": a.id, "version": a.version}


STAKEHOLDER = {
    "power": 3,
    "interest": 5,
    "influence": 2,
    "legitimacy": 3,
    "urgency": 1,
    "current_engagement": "unaware",
    "desired_engagement": "supportive",
}
ADKAR_SCORES = {"awareness": 4, "desire": 2, "knowledge": 3, "ability": 3, "reinforcement": 1}


def _meeting(w: World) -> Params:
    m = decisions.create_meeting(
        w.s, actor=w["pmo"], title=f"SteerCo {next(_n)}", held_on=TODAY, node_id=w.ids["project"], attendee_ids=[]
    )
    return {"meeting_id": m.id}


def _stage_version(w: World) -> Params:
    w.s.expire_all()
    return {"version": w.s.scalar(select(StageDef.version).where(StageDef.code == "identified"))}


def _gate_version(w: World) -> Params:
    w.s.expire_all()
    return {"version": w.s.scalar(select(GateDef.version).where(GateDef.to_stage == "cancelled"))}


def _node_version(w: World) -> Params:
    p = _fresh(w)
    return {**p, "version": w.node(p["measure_id"]).version}


def _values_version(w: World) -> Params:
    p = _fresh(w)
    return {**p, "values_version": w.version(p["measure_id"])}


PLANNERS = frozenset({"owner", "pmo"})
CASES: list[Case] = [
    Case("GET", "/api/me", SIGNED_IN),
    Case("GET", "/api/people", SIGNED_IN),
    Case("POST", "/api/people", frozenset(), body=lambda p: {"name": f"Newcomer {next(_n)}"}),
    Case("PATCH", "/api/people/{person_id}", frozenset(), _person, lambda p: {"version": p["version"], "title": "CFO"}),
    Case("POST", "/api/people/{person_id}/tokens", frozenset(), lambda w: {"person_id": w.ids["deputy"]}),
    Case("POST", "/api/people/{person_id}/tokens#own", SIGNED_IN, path=lambda p: f"/api/people/{p['me']}/tokens"),
    Case(
        "POST",
        "/api/grants",
        PLANNERS,
        _person,
        lambda p: {"person_id": p["person_id"], "node_id": p["project"], "role": "reader"},
    ),
    Case("DELETE", "/api/grants/{grant_id}", PLANNERS, _grant),
    Case(
        "POST",
        "/api/delegations",
        frozenset({"sponsor", "pmo"}),
        body=lambda p: {
            "delegator_id": p["sponsor"],
            "deputy_id": p["deputy"],
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=14)).isoformat(),
            "reason": "Holiday",
        },
    ),
    Case("GET", "/api/org-units", SIGNED_IN),
    Case("POST", "/api/org-units", frozenset({"pmo"}), body=lambda p: {"name": f"Unit {next(_n)}", "kind": "other"}),
    Case(
        "PATCH",
        "/api/org-units/{org_unit_id}",
        frozenset({"pmo"}),
        _org_unit,
        lambda p: {"version": p["version"], "name": f"Renamed {next(_n)}"},
    ),
    Case("GET", "/api/nodes", SIGNED_IN),
    Case(
        "POST",
        "/api/nodes",
        PLANNERS,
        body=lambda p: {"kind": "measure", "name": "New", "parent_id": p["project"], "org_unit_id": p["ou_fin"]},
    ),
    Case("GET", "/api/nodes/{node_id}", ALL, path=lambda p: f"/api/nodes/{p['shared']}"),
    Case(
        "PATCH",
        "/api/nodes/{node_id}",
        PLANNERS,
        _node_version,
        lambda p: {"version": p["version"], "name": "Renamed"},
        path=lambda p: f"/api/nodes/{p['measure_id']}",
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/move",
        frozenset({"pmo"}),
        _node_version,
        lambda p: {"version": p["version"], "parent_id": p["project2"], "reason": "Re-scoped"},
        path=lambda p: f"/api/nodes/{p['measure_id']}/move",
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/archive",
        PLANNERS,
        _node_version,
        lambda p: {"version": p["version"], "reason": "Duplicate"},
        path=lambda p: f"/api/nodes/{p['measure_id']}/archive",
    ),
    Case("GET", "/api/measures/{measure_id}", ALL, path=lambda p: f"/api/measures/{p['shared']}"),
    Case("GET", "/api/measures/{measure_id}/values", ALL, path=lambda p: f"/api/measures/{p['shared']}/values"),
    Case(
        "PUT",
        "/api/measures/{measure_id}/values/{series}",
        PLANNERS,
        _values_version,
        lambda p: {"values_version": p["values_version"], "entries": [{"period": "2026-03", "amount": 500}]},
        path=lambda p: f"/api/measures/{p['measure_id']}/values/forecast",
    ),
    Case(
        "PUT",
        "/api/measures/{measure_id}/values/{series}#actual",
        frozenset({"controller"}),
        _values_version,
        lambda p: {"values_version": p["values_version"], "entries": [{"period": "2026-03", "amount": 500}]},
        path=lambda p: f"/api/measures/{p['measure_id']}/values/actual",
    ),
    Case(
        "GET",
        "/api/measures/{measure_id}/value-history",
        ALL,
        path=lambda p: f"/api/measures/{p['shared']}/value-history",
    ),
    Case("GET", "/api/measures/{measure_id}/milestones", ALL, path=lambda p: f"/api/measures/{p['shared']}/milestones"),
    Case(
        "POST",
        "/api/measures/{measure_id}/milestones",
        PLANNERS,
        _fresh,
        lambda p: {"name": "Pilot", "due_on": (TODAY + timedelta(days=20)).isoformat()},
    ),
    Case(
        "PATCH",
        "/api/milestones/{milestone_id}",
        PLANNERS,
        _milestone,
        lambda p: {"version": p["version"], "done_on": TODAY.isoformat()},
    ),
    Case(
        "DELETE",
        "/api/milestones/{milestone_id}",
        PLANNERS,
        _milestone,
        query=lambda p: {"version": p["version"]},
    ),
    Case("GET", "/api/measures/{measure_id}/next-gate", ALL, path=lambda p: f"/api/measures/{p['shared']}/next-gate"),
    Case(
        "POST",
        "/api/measures/{measure_id}/gate-requests",
        frozenset({"owner", "sponsor", "pmo"}),
        _fresh,
        lambda p: {"to_stage": "identified"},
    ),
    Case(
        "GET",
        "/api/measures/{measure_id}/gate-requests",
        ALL,
        path=lambda p: f"/api/measures/{p['shared']}/gate-requests",
    ),
    # The owner leads the project, but may not approve a gate of a measure they own.
    Case("POST", "/api/gate-requests/{request_id}/approve", frozenset({"pmo"}), _request_by_sponsor, lambda p: {}),
    Case(
        "POST",
        "/api/gate-requests/{request_id}/reject",
        frozenset({"pmo"}),
        _request_by_sponsor,
        lambda p: {"comment": "Not yet"},
    ),
    Case(
        "POST",
        "/api/gate-requests/{request_id}/defer",
        frozenset({"pmo"}),
        _request_by_sponsor,
        lambda p: {"until": (TODAY + timedelta(days=7)).isoformat(), "reason": "Next SteerCo"},
    ),
    Case(
        "POST",
        "/api/gate-requests/{request_id}/withdraw",
        frozenset({"sponsor", "owner", "pmo"}),
        _request_by_sponsor,
        lambda p: {},
    ),
    Case("GET", "/api/inbox", SIGNED_IN),
    Case(
        "POST",
        "/api/measures/{measure_id}/sign-off",
        frozenset({"controller"}),
        _implemented_with_actuals,
        lambda p: {"verified_value": 900, "evidence_ref": "GL 2026/4711", "confirm_actuals": True},
    ),
    Case(
        "POST",
        "/api/measures/{measure_id}/rebaselines",
        PLANNERS,
        _at("decided"),
        lambda p: {"reason": "Scope cut", "entries": [{"period": "2026-08", "amount": 700}]},
    ),
    Case(
        "POST",
        "/api/rebaselines/{rebaseline_id}/decision",
        frozenset({"sponsor", "controller"}),
        _rebaseline,
        lambda p: {"approve": True},
    ),
    Case("GET", "/api/gates", SIGNED_IN),
    Case(
        "PATCH",
        "/api/stages/{code}",
        frozenset({"pmo"}),
        _stage_version,
        lambda p: {"version": p["version"], "label": f"L1 ({next(_n)})"},
        path=lambda p: "/api/stages/identified",
    ),
    Case(
        "PATCH",
        "/api/gates/{to_stage}",
        frozenset({"pmo"}),
        _gate_version,
        lambda p: {"version": p["version"], "requires_reason": True},
        path=lambda p: "/api/gates/cancelled",
    ),
    Case(
        "POST",
        "/api/dependencies",
        PLANNERS,
        lambda w: {"up": w.measure(f"Up {next(_n)}"), "down": w.measure(f"Down {next(_n)}")},
        lambda p: {"upstream_id": p["up"], "downstream_id": p["down"]},
    ),
    Case("DELETE", "/api/dependencies/{dependency_id}", PLANNERS, _dependency, query=lambda p: {"reason": "Obsolete"}),
    Case("GET", "/api/nodes/{node_id}/dependencies", ALL, path=lambda p: f"/api/nodes/{p['shared']}/dependencies"),
    Case("GET", "/api/value-at-risk", ALL, query=lambda p: {"node_id": p["project"]}),
    Case(
        "GET",
        "/api/value-at-risk#portfolio-wide",
        frozenset({"pmo", "auditor", "viewer"}),
        path=lambda p: "/api/value-at-risk",
    ),
    Case("GET", "/api/services", SIGNED_IN),
    Case(
        "POST",
        "/api/services",
        frozenset({"pmo"}),
        body=lambda p: {"name": f"Service {next(_n)}", "owner_id": p["sponsor"]},
    ),
    Case(
        "POST",
        "/api/measures/{measure_id}/services",
        PLANNERS,
        _fresh,
        lambda p: {"service_id": p["service"]},
    ),
    Case(
        "POST",
        "/api/service-impacts/{impact_id}/acknowledge",
        frozenset({"sponsor"}),  # the service's owner
        _impact,
        lambda p: {"note": "Billing team informed"},
    ),
    Case(
        "POST",
        "/api/meetings",
        PLANNERS,
        body=lambda p: {"title": "SteerCo", "held_on": TODAY.isoformat(), "node_id": p["project"]},
    ),
    Case("GET", "/api/meetings/{meeting_id}", ALL, _meeting),
    Case(
        "POST",
        "/api/meetings/{meeting_id}/decisions",
        PLANNERS,
        _meeting,
        lambda p: {"outcome": "note", "text": "Benefits tracking moves to monthly."},
    ),
    # A note that names a gate request is still the meeting's record: for who runs the meeting (found by the page
    # matrix: it used to skip the check when a gate request was named).
    Case(
        "POST",
        "/api/meetings/{meeting_id}/decisions#gate-note",
        PLANNERS,
        lambda w: {**_meeting(w), **_request_by_sponsor(w)},
        lambda p: {"outcome": "note", "text": "Discussed", "gate_request_id": p["request_id"]},
    ),
    Case("GET", "/api/rollups/pipeline", ALL, query=lambda p: {"node_id": p["project"]}),
    Case(
        "GET",
        "/api/rollups/pipeline#portfolio",
        frozenset({"pmo", "auditor", "viewer"}),
        query=lambda p: {"node_id": p["portfolio"]},
    ),
    Case("GET", "/api/rollups/status-matrix", ALL, query=lambda p: {"node_id": p["project"]}),
    Case("GET", "/api/rollups/periods", ALL, query=lambda p: {"node_id": p["project"]}),
    Case(
        "GET",
        "/api/rollups/bridge",
        ALL,
        query=lambda p: {"node_id": p["project"], "start": "2026-01-01T00:00:00Z", "end": "2026-12-31T00:00:00Z"},
    ),
    Case("GET", "/api/nodes/{node_id}/stakeholders", ALL, path=lambda p: f"/api/nodes/{p['project']}/stakeholders"),
    Case(
        "POST",
        "/api/nodes/{node_id}/stakeholders",
        PLANNERS,
        _person,
        lambda p: {"person_id": p["person_id"], **STAKEHOLDER},
        path=lambda p: f"/api/nodes/{p['project']}/stakeholders",
    ),
    Case(
        "PATCH",
        "/api/stakeholders/{stakeholder_id}",
        PLANNERS,
        _stakeholder,
        lambda p: {"version": p["version"], "current_engagement": "supportive"},
    ),
    Case(
        "GET", "/api/nodes/{node_id}/audience-groups", ALL, path=lambda p: f"/api/nodes/{p['project']}/audience-groups"
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/audience-groups",
        PLANNERS,
        body=lambda p: {"name": f"Accounts payable {next(_n)}", "size": 40},
        path=lambda p: f"/api/nodes/{p['project']}/audience-groups",
    ),
    Case("GET", "/api/nodes/{node_id}/adkar", ALL, path=lambda p: f"/api/nodes/{p['project']}/adkar"),
    Case(
        "POST",
        "/api/nodes/{node_id}/adkar",
        PLANNERS,
        _stakeholder,
        lambda p: {"stakeholder_id": p["stakeholder_id"], **ADKAR_SCORES},
        path=lambda p: f"/api/nodes/{p['project']}/adkar",
    ),
    Case("GET", "/api/nodes/{node_id}/resistance", ALL, path=lambda p: f"/api/nodes/{p['project']}/resistance"),
    Case(
        "POST",
        "/api/nodes/{node_id}/resistance",
        PLANNERS,
        body=lambda p: {"objection": "We lose our spreadsheet", "underlying_reason": "comfort_with_status_quo"},
        path=lambda p: f"/api/nodes/{p['project']}/resistance",
    ),
    Case(
        "PATCH",
        "/api/resistance/{item_id}",
        PLANNERS,
        _resistance,
        lambda p: {"version": p["version"], "owner_id": p["me"]} if p.get("me") else {"version": p["version"]},
    ),
    Case("GET", "/api/nodes/{node_id}/communications", ALL, path=lambda p: f"/api/nodes/{p['project']}/communications"),
    Case(
        "POST",
        "/api/nodes/{node_id}/communications",
        PLANNERS,
        _group,
        lambda p: {
            "audience_group_id": p["group_id"],
            "key_message": "What changes for you",
            "message_type": "personal_impact",
            "channel": "team_meeting",
            "messenger_role": "people_manager",
            "planned_on": str(TODAY),
            "recurrence": "FREQ=WEEKLY;COUNT=5",
        },
        path=lambda p: f"/api/nodes/{p['project']}/communications",
    ),
    Case(
        "PATCH",
        "/api/communications/{item_id}",
        PLANNERS,
        _message,
        lambda p: {"version": p["version"], "channel": "email"},
    ),
    Case(
        "POST",
        "/api/communications/{item_id}/sent",
        PLANNERS,
        _message,
        lambda p: {"occurrence_on": str(TODAY - timedelta(days=14))},
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/communications/calendar",
        ALL,
        path=lambda p: f"/api/nodes/{p['project']}/communications/calendar",
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/communications.ics",
        ALL,
        path=lambda p: f"/api/nodes/{p['project']}/communications.ics",
    ),
    Case("GET", "/api/nodes/{node_id}/champions", ALL, path=lambda p: f"/api/nodes/{p['project']}/champions"),
    Case(
        "POST",
        "/api/nodes/{node_id}/champions",
        PLANNERS,
        lambda w: {**_person(w), **_group(w)},
        lambda p: {"person_id": p["person_id"], "group_id": p["group_id"], "time_percent": 15},
        path=lambda p: f"/api/nodes/{p['project']}/champions",
    ),
    Case(
        "PATCH",
        "/api/champions/{champion_id}",
        PLANNERS,
        _champion,
        lambda p: {"version": p["version"], "time_percent": 20},
    ),
    Case(
        "POST",
        "/api/champions/{champion_id}/activities",
        PLANNERS,
        _champion,
        lambda p: {"kind": "session", "attendees": 12},
    ),
    Case("GET", "/api/nodes/{node_id}/legacy", ALL, path=lambda p: f"/api/nodes/{p['project']}/legacy"),
    Case(
        "POST",
        "/api/nodes/{node_id}/legacy",
        PLANNERS,
        body=lambda p: {
            "name": f"Weekly status spreadsheet {next(_n)}",
            "kind": "spreadsheet",
            "replacement": "Cockpit",
            "retire_by": str(TODAY + timedelta(days=30)),
        },
        path=lambda p: f"/api/nodes/{p['project']}/legacy",
    ),
    Case(
        "PATCH",
        "/api/legacy/{item_id}",
        PLANNERS,
        _legacy,
        lambda p: {"version": p["version"], "status": "parallel", "double_work_hours": 3},
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/feedback/check-ins",
        SIGNED_IN,
        body=lambda p: {"knowledge": 3, "blocker": "No sandbox"},
        path=lambda p: f"/api/nodes/{p['project']}/feedback/check-ins",
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/feedback/check-ins",
        PLANNERS,
        path=lambda p: f"/api/nodes/{p['project']}/feedback/check-ins",
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/feedback",
        SIGNED_IN,
        body=lambda p: {"text": "The form is slow"},
        path=lambda p: f"/api/nodes/{p['project']}/feedback",
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/feedback/anonymous",
        SIGNED_IN,
        body=lambda p: {"desire": 2, "comment": "Why again?"},
        path=lambda p: f"/api/nodes/{p['project']}/feedback/anonymous",
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/feedback/anonymous/windows",
        ALL,
        path=lambda p: f"/api/nodes/{p['project']}/feedback/anonymous/windows",
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/feedback/anonymous/report",
        ALL,
        path=lambda p: f"/api/nodes/{p['project']}/feedback/anonymous/report",
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/feedback/queue",
        PLANNERS,
        path=lambda p: f"/api/nodes/{p['project']}/feedback/queue",
    ),
    Case(
        "PATCH",
        "/api/feedback/{channel}/{item_id}",
        PLANNERS,
        _feedback,
        lambda p: {"version": p["version"], "acknowledge": True},
        path=lambda p: f"/api/feedback/open/{p['item_id']}",
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/feedback/you-said-we-did",
        ALL,
        path=lambda p: f"/api/nodes/{p['project']}/feedback/you-said-we-did",
    ),
    Case(
        "POST",
        "/api/usage/events",
        frozenset({"pmo"}),
        body=lambda p: {"system": "erp", "events": [{"actor": "u1", "event": "open", "occurred_at": "2026-06-01"}]},
    ),
    Case(
        "POST",
        "/api/usage/events.csv",
        frozenset({"pmo"}),
        query=lambda p: {"system": "erp"},
        raw=b"actor,event,occurred_at\nu1,open,2026-06-01T09:00:00Z\n",
    ),
    Case(
        "POST",
        "/api/audience-groups/{group_id}/members",
        PLANNERS,
        _group,
        lambda p: {"identifiers": ["u1", "u2"]},
    ),
    Case("GET", "/api/nodes/{node_id}/metrics", ALL, path=lambda p: f"/api/nodes/{p['project']}/metrics"),
    Case(
        "POST",
        "/api/nodes/{node_id}/metrics",
        PLANNERS,
        body=lambda p: {"name": f"Active {next(_n)}", "kind": "active_users", "system": "erp", "target": 0.6},
        path=lambda p: f"/api/nodes/{p['project']}/metrics",
    ),
    Case("PATCH", "/api/metrics/{metric_id}", PLANNERS, _metric, lambda p: {"version": p["version"], "target": 0.5}),
    Case("POST", "/api/metrics/{metric_id}/readings", PLANNERS, _reported, lambda p: {"value": 3.2}),
    Case("GET", "/api/nodes/{node_id}/change-plan", ALL, path=lambda p: f"/api/nodes/{p['project']}/change-plan"),
    Case("GET", "/api/nodes/{node_id}/prompts", ALL, path=lambda p: f"/api/nodes/{p['project']}/prompts"),
    Case(
        "POST",
        "/api/nodes/{node_id}/prompts/{template}/ask",
        PLANNERS,
        path=lambda p: f"/api/nodes/{p['project']}/prompts/resistance/ask",
        allowed_status=409,  # no assistant is configured in tests; the call got past the permission check
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/feeds",
        PLANNERS,
        body=lambda p: {
            "name": f"HR {next(_n)}",
            "channel": "manual",
            "due_business_day": 3,
            "contract": FEED_CONTRACT,
        },
        path=lambda p: f"/api/nodes/{p['project']}/feeds",
    ),
    Case("GET", "/api/nodes/{node_id}/feeds/calendar", ALL, path=lambda p: f"/api/nodes/{p['project']}/feeds/calendar"),
    Case(
        "POST",
        "/api/feeds/{feed_id}/submissions",
        PLANNERS,
        _feed,
        query=lambda p: {"period": "2026-05", "filename": "gl.csv"},
        raw=b"CostCenter,Amount\nCC-1,10\n",
    ),
    Case("GET", "/api/submissions/{submission_id}", ALL, _submission),
    Case(
        "PATCH",
        "/api/feeds/{feed_id}",
        PLANNERS,
        _feed,
        lambda p: {"version": 1, "changes": {"owner_id": p["sponsor"]}},
    ),
    Case(
        "POST",
        "/api/feeds/{feed_id}/change-notices",
        PLANNERS,
        _feed,
        lambda p: {"period": "2026-07", "note": "Vendor column added"},
    ),
    Case(
        "POST",
        "/api/feeds/{feed_id}/mapping-rules",
        PLANNERS,
        _ledger,
        lambda p: {"match": {"CostCenter": f"CC-{next(_n)}"}, "measure_id": p["measure_id"], "rationale": "Cloud"},
    ),
    Case("GET", "/api/feeds/{feed_id}/mapping-rules", ALL, _ledger),
    Case(
        "PATCH",
        "/api/mapping-rules/{rule_id}",
        PLANNERS,
        _ledger,
        lambda p: {"version": p["version"], "changes": {"rationale": "Booked on the cloud cost centre"}},
    ),
    Case(
        "GET",
        "/api/nodes/{node_id}/proposed-actuals",
        ALL,
        path=lambda p: f"/api/nodes/{p['project']}/proposed-actuals",
    ),
    Case(
        "POST",
        "/api/proposed-actuals/{proposal_id}/decision",
        frozenset({"controller"}),
        _ledger,
        lambda p: {"decision": "confirm"},
    ),
    Case("GET", "/api/nodes/{node_id}/health", ALL, path=lambda p: f"/api/nodes/{p['project']}/health"),
    Case("POST", "/api/nodes/{node_id}/health/run", ALL, path=lambda p: f"/api/nodes/{p['project']}/health/run"),
    Case(
        "PATCH",
        "/api/nodes/{node_id}/health/profile",
        PLANNERS,
        body=lambda p: {"maturity_level": 3},
        path=lambda p: f"/api/nodes/{p['project']}/health/profile",
    ),
    Case("GET", "/api/health/portfolio", SIGNED_IN),
    Case("GET", "/api/nodes/{node_id}/artefacts", ALL, path=lambda p: f"/api/nodes/{p['project']}/artefacts"),
    Case(
        "POST",
        "/api/nodes/{node_id}/artefacts",
        PLANNERS,
        body=lambda p: {"name": f"Tower view {next(_n)}", "kind": "dashboard"},
        path=lambda p: f"/api/nodes/{p['project']}/artefacts",
    ),
    Case(
        "PATCH",
        "/api/artefacts/{artefact_id}",
        PLANNERS,
        _artefact,
        lambda p: {"version": p["version"], "changes": {"decisions": "Quarterly showback review"}},
    ),
    Case("POST", "/api/artefacts/{artefact_id}/uses", ALL, _artefact, lambda p: {"action": "view"}),
    Case(
        "POST",
        "/api/nodes/{node_id}/artefact-uses",
        PLANNERS,
        _artefact,
        lambda p: {"uses": [{"artefact_id": p["artefact_id"], "actor": "a1", "day": TODAY.isoformat()}]},
        path=lambda p: f"/api/nodes/{p['project']}/artefact-uses",
    ),
    Case(
        "POST",
        "/api/decisions/{decision_id}/citations",
        PLANNERS,
        _decision,
        lambda p: {"artefact_ids": [p["artefact_id"]]},
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/health/actions",
        PLANNERS,
        _alerting,
        lambda p: {"detector": "W1", "play": "reconnect", "owner_id": p["owner"]},
        path=lambda p: f"/api/nodes/{p['project']}/health/actions",
    ),
    Case(
        "PATCH",
        "/api/health/actions/{action_id}",
        PLANNERS,
        _action,
        lambda p: {"version": p["version"], "status": "done", "outcome": "Talked to the three managers"},
    ),
    Case(
        "POST",
        "/api/nodes/{node_id}/health/outcomes",
        PLANNERS,
        body=lambda p: {
            "good_looks_like": "Managers read showback monthly",
            "parts": [{"part": "GL extract", "owner_id": p["owner"]}],
            "cadence": [{"deliverable": "Showback", "every": "month"}],
            "review_on": (TODAY + timedelta(days=60)).isoformat(),
        },
        path=lambda p: f"/api/nodes/{p['project']}/health/outcomes",
    ),
    Case("GET", "/api/audit/events", frozenset({"pmo", "auditor"})),
    Case("GET", "/api/audit/verify", frozenset({"auditor"})),
    Case(
        "GET",
        "/api/measures/{measure_id}/evidence",
        frozenset({"pmo", "auditor"}),
        path=lambda p: f"/api/measures/{p['shared']}/evidence",
    ),
]


def build_matrix_world(session: Any) -> World:
    """The factory's world plus what the matrix's cases point at: a second project, a service, a shared measure."""
    w = build_world(session)
    prog2 = portfolio.create_node(
        session,
        actor=w["pmo"],
        kind="project",
        name="Second project",
        parent_id=w.ids["program"],
        org_unit_id=w.ids["ou_fin"],
        owner_id=w.ids["owner"],
        sponsor_id=w.ids["sponsor"],
        controller_id=w.ids["controller"],
    )
    svc = deps.create_service(
        session, actor=w["pmo"], name="Billing", owner_id=w.ids["sponsor"], revenue_generating=True
    )
    w.ids.update(project2=prog2.id, service=svc.id, shared=w.measure("Shared measure"))
    return w


@pytest.fixture
def world(db, session):  # type: ignore[no-untyped-def]
    w = build_matrix_world(session)
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))
    tokens = {}
    for persona in PERSONAS:
        r = client.post("/api/auth/token", json={"login": persona, "password": PASSWORD})
        assert r.status_code == 201, r.text
        tokens[persona] = {"Authorization": f"Bearer {r.json()['token']}"}
    return w, client, tokens


def _audit_count(w: World) -> int:
    """Read in a transaction of its own: the test's session must not hold the write lock during a call."""
    w.s.commit()
    count = int(w.s.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    w.s.commit()
    return count


def test_every_route_as_every_persona(world) -> None:  # type: ignore[no-untyped-def]
    w, client, tokens = world
    wrong: list[str] = []
    for case in CASES:
        for persona in (*PERSONAS, "anonymous"):
            params = {**w.ids, **case.setup(w), "me": w.ids.get(persona)}
            w.s.commit()
            before = _audit_count(w)
            headers = tokens.get(persona, {})
            r = client.request(
                case.method,
                case.url(w, params),
                headers=headers,
                json=case.body(params) if case.body else None,
                content=case.raw,
                params=case.query(params),
            )
            allowed = persona in case.allowed
            expected = "2xx" if allowed else ("401" if persona == "anonymous" else "403")
            if allowed and case.allowed_status:
                expected = str(case.allowed_status)
                ok = r.status_code == case.allowed_status
            elif not allowed and persona != "anonymous":
                # An object on a node the persona may not see is not found (its name not told): 404, else 403.
                expected = "403, or 404 for what they may not see"
                ok = r.status_code == 403 or (r.status_code == 404 and r.json()["detail"].startswith("There is no"))
            else:
                ok = r.is_success if allowed else str(r.status_code) == expected
            if not ok:
                wrong.append(
                    f"{case.method} {case.route} as {persona}: want {expected}, got {r.status_code} {r.text[:160]}"
                )
            elif not allowed:
                assert r.headers["content-type"] == "application/problem+json"
                if _audit_count(w) != before:
                    wrong.append(f"{case.method} {case.route} as {persona}: refused but the audit trail grew")
    assert not wrong, "\n".join(wrong)


def test_every_route_has_a_permission_case() -> None:
    app = create_app(load_settings("sqlite://"))
    routes = {
        (method.upper(), path)
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if path != "/api/auth/token"
    }
    covered = {(c.method, c.route.split("#")[0]) for c in CASES}
    assert routes - covered == set(), "routes without a permission case"
