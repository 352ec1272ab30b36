"""Every server-rendered page and form, called as every persona through a signed-in browser (no JavaScript):
allowed (200 for a page; 303 after a form, or 200 for an htmx fragment) or refused (403; 404 when the persona may
not see the object at all), never in between. Anonymous visitors are sent to sign in (303 to /login) and change
nothing.

The personas, the set-ups and the allowed sets are the API matrix's (test_permissions.py): a page allows exactly
whom the API allows for the same use-case. Each call gets fresh targets from its case's set-up, and a refused call
must leave the audit trail (and so the data) exactly as it was. A new page route without a case here fails the
coverage check at the bottom.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.e2e.test_permissions import (
    ADKAR_SCORES,
    ALL,
    PERSONAS,
    PLANNERS,
    SIGNED_IN,
    STAKEHOLDER,
    Params,
    _action,
    _alerting,
    _artefact,
    _audit_count,
    _feed,
    _feedback,
    _fresh,
    _gate_version,
    _grant,
    _group,
    _impact,
    _implemented_with_actuals,
    _ledger,
    _legacy,
    _meeting,
    _message,
    _milestone,
    _node_version,
    _org_unit,
    _person,
    _request_by_sponsor,
    _resistance,
    _stage_version,
    _stakeholder,
    _submission,
    _values_version,
    build_matrix_world,
)
from tests.factory import World
from tests.webclient import Browser
from valuegate.app import create_app
from valuegate.auth import service as people
from valuegate.change import champions
from valuegate.config import load_settings
from valuegate.dependencies import service as deps
from valuegate.feedback import service as feedback
from valuegate.feedback.models import AnonymousResponse
from valuegate.feeds import actuals
from valuegate.milestones.models import Milestone
from valuegate.portfolio import service as portfolio

_n = itertools.count(1)
Form = dict[str, str]

# Not pages of the product: the API (its own matrix), static files, FastAPI's documentation, the health probe, and
# signing in and out (open to everyone by design).
NOT_PAGES = ("/api", "/static", "/assets", "/docs", "/openapi.json", "/redoc", "/healthz", "/login", "/logout")
# Page routes deliberately without a case, each with its reason. (None at present.)
SKIPPED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # as FastAPI declares it; "#..." tells cases of one route apart (the actions of a multi-form page)
    allowed: frozenset[str]
    setup: Callable[[World], Params] = lambda w: {}
    form: Callable[[Params], Form] = field(default=lambda p: {})
    path: Callable[[Params], str] | None = None
    htmx: bool = False
    files: Callable[[], Any] | None = None
    allowed_status: int | None = None  # what an allowed call answers when it is not the usual (permission passed)

    def url(self, p: Params) -> str:
        if self.path:
            return self.path(p)
        return self.route.split("#")[0].format(**p)


def _milestone_of_measure(w: World) -> Params:
    p = _milestone(w)
    return {**p, "measure_id": w.s.get(Milestone, p["milestone_id"]).measure_id}  # type: ignore[union-attr]


def _proposal(w: World) -> Params:
    p = _ledger(w)
    version = next(x["version"] for x in actuals.proposals(w.s, actor=w["pmo"], node_id=w.ids["project"]))
    return {**p, "proposal_version": version}


def _delegation(w: World) -> Params:
    d = people.create_delegation(
        w.s,
        actor=w["sponsor"],
        delegator_id=w.ids["sponsor"],
        deputy_id=w.ids["deputy"],
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=14),
        reason="Holiday",
    )
    return {"delegation_id": d.id}


def _service(w: World) -> Params:
    svc = deps.create_service(
        w.s, actor=w["pmo"], name=f"Service {next(_n)}", owner_id=w.ids["sponsor"], revenue_generating=False
    )
    return {"service_id": svc.id, "version": svc.version}


def _champion_with_id(w: World) -> Params:
    person = _person(w)["person_id"]
    c = champions.name_champion(
        w.s, actor=w["pmo"], node_id=w.ids["project"], person_id=person, group_id=_group(w)["group_id"], time_percent=10
    )
    return {"champion_id": c.id}


def _trail(w: World) -> tuple[int, int]:
    """What a form leaves behind: the audit trail, and the anonymous responses (never audited, to stay anonymous)."""
    w.s.commit()
    anonymous = int(w.s.scalar(select(func.count()).select_from(AnonymousResponse)) or 0)
    w.s.commit()
    return _audit_count(w), anonymous


def _problem(html: str) -> str:
    found = re.search(r'class="(?:problem|error)[^"]*"[^>]*>(.*?)</(?:section|p|div)>', html, re.S)
    return re.sub(r"\s+", " ", found.group(1)) if found else html.split("<main", 1)[-1][:300]


def _project(suffix: str) -> Callable[[Params], str]:
    return lambda p: f"/portfolio/{p['project']}{suffix}"


def _strs(values: dict[str, Any]) -> Form:
    return {k: str(v) for k, v in values.items()}


GRID_CELL = {"v.forecast.recurring.2026-07": "1 500", "was.forecast.recurring.2026-07": ""}
ACTUAL_CELL = {"v.actual.recurring.2026-05": "900", "was.actual.recurring.2026-05": ""}
CSV = b"CostCenter,Amount\nCC-1,10\n"

CASES: list[Case] = [
    # --- Cockpit, portfolio tree, measure lists, dependencies, inbox: lists show what the persona may see.
    Case("GET", "/", SIGNED_IN),
    Case("GET", "/portfolio", SIGNED_IN),
    Case("GET", "/portfolio#node", ALL, path=lambda p: f"/portfolio?node_id={p['project']}"),
    Case("GET", "/portfolio/{node_id}/children", ALL, path=_project("/children")),
    Case("GET", "/measures", SIGNED_IN),
    Case("GET", "/measures#node", ALL, path=lambda p: f"/measures?node_id={p['project']}"),
    # The map opens on the persona's own top node; who may see none is told so on the page, as on the cockpit.
    Case("GET", "/dependencies", SIGNED_IN),
    Case("GET", "/dependencies#node", ALL, path=lambda p: f"/dependencies?node_id={p['project']}"),
    Case("GET", "/inbox", SIGNED_IN),
    Case("GET", "/inbox/count", SIGNED_IN),
    Case("GET", "/health", SIGNED_IN),
    # --- Access to a node.
    Case(
        "POST",
        "/portfolio/{node_id}/grants",
        PLANNERS,
        _person,
        lambda p: _strs({"person_id": p["person_id"], "role": "reader"}),
        path=_project("/grants"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/grants/{grant_id}/revoke",
        PLANNERS,
        _grant,
        path=lambda p: f"/portfolio/{p['project']}/grants/{p['grant_id']}/revoke",
    ),
    # --- A measure: workspace, business case, milestones, figures, gates.
    Case("GET", "/measures/{measure_id}", ALL, path=lambda p: f"/measures/{p['shared']}"),
    Case("GET", "/measures/{measure_id}/grid", ALL, path=lambda p: f"/measures/{p['shared']}/grid"),
    Case("GET", "/portfolio/{project_id}/measures/new", PLANNERS, path=_project("/measures/new")),
    Case(
        "POST",
        "/portfolio/{project_id}/measures/new",
        PLANNERS,
        form=lambda p: {"name": f"New measure {next(_n)}", "annual_estimate": "12 000"},
        path=_project("/measures/new"),
    ),
    Case(
        "POST",
        "/measures/{measure_id}/case",
        PLANNERS,
        _node_version,
        lambda p: _strs({"version": p["version"], "description": "Fewer invoices by hand"}),
    ),
    Case(
        "POST",
        "/measures/{measure_id}/milestones",
        PLANNERS,
        _fresh,
        lambda p: {"name": "Pilot", "due_on": (TODAY + timedelta(days=20)).isoformat()},
    ),
    Case(
        "POST",
        "/measures/{measure_id}/milestones/{milestone_id}/done",
        PLANNERS,
        _milestone_of_measure,
        lambda p: _strs({"version": p["version"], "done_on": TODAY.isoformat()}),
    ),
    Case(
        "POST",
        "/measures/{measure_id}/values",
        PLANNERS,
        _values_version,
        lambda p: {"values_version": str(p["values_version"]), **GRID_CELL},
    ),
    Case(
        "POST",
        "/measures/{measure_id}/values#actual",
        frozenset({"controller"}),
        _values_version,
        lambda p: {"values_version": str(p["values_version"]), **ACTUAL_CELL},
    ),
    Case(
        "POST",
        "/measures/{measure_id}/gate-requests",
        frozenset({"owner", "sponsor", "pmo"}),
        _fresh,
        lambda p: {"to_stage": "identified"},
    ),
    # Whoever may see the measure may read the sign-off page (its figures); only the controller gets the form.
    Case("GET", "/measures/{measure_id}/sign-off", ALL, _implemented_with_actuals),
    Case(
        "POST",
        "/measures/{measure_id}/sign-off",
        frozenset({"controller"}),
        _implemented_with_actuals,
        lambda p: {"verified_value": "9", "evidence_ref": "GL 2026/4711", "confirm_actuals": "yes"},
    ),
    # --- Decisions: the inbox decides in place (htmx), service owners acknowledge, meetings record.
    # The owner leads the project, but may not approve a gate of a measure they own.
    Case(
        "POST",
        "/inbox/{request_id}/approve",
        frozenset({"pmo"}),
        _request_by_sponsor,
        lambda p: {"comment": "Fine"},
        htmx=True,
    ),
    Case(
        "POST",
        "/inbox/{request_id}/reject",
        frozenset({"pmo"}),
        _request_by_sponsor,
        lambda p: {"comment": "Not this quarter"},
        htmx=True,
    ),
    Case(
        "POST",
        "/inbox/{request_id}/defer",
        frozenset({"pmo"}),
        _request_by_sponsor,
        lambda p: {"until": (TODAY + timedelta(days=7)).isoformat(), "comment": "SteerCo"},
    ),
    Case(
        "POST",
        "/inbox/impacts/{impact_id}/acknowledge",
        frozenset({"sponsor"}),  # the service's owner
        _impact,
        lambda p: {"note": "Billing team informed"},
    ),
    Case("GET", "/meetings", SIGNED_IN),
    Case(
        "POST",
        "/meetings",
        PLANNERS,
        form=lambda p: _strs({"title": "SteerCo", "held_on": TODAY.isoformat(), "node_id": p["project"]}),
    ),
    Case("GET", "/meetings/{meeting_id}", ALL, _meeting),
    Case(
        "POST",
        "/meetings/{meeting_id}/decisions",
        PLANNERS,
        _meeting,
        lambda p: {"outcome": "note", "text": "Benefits tracking moves to monthly."},
    ),
    # A note about a gate request: for who runs the meeting, as a note without one.
    Case(
        "POST",
        "/meetings/{meeting_id}/decisions#gate-note",
        PLANNERS,
        lambda w: {**_meeting(w), **_request_by_sponsor(w)},
        lambda p: _strs({"outcome": "note", "text": "Discussed", "gate_request_id": p["request_id"]}),
    ),
    # Answering a gate request in the meeting: for its approvers, as in the inbox.
    Case(
        "POST",
        "/meetings/{meeting_id}/decisions#gate-approve",
        frozenset({"pmo"}),
        lambda w: {**_meeting(w), **_request_by_sponsor(w)},
        lambda p: _strs({"outcome": "approve", "text": "Agreed", "gate_request_id": p["request_id"]}),
    ),
    # --- The change workstream: stakeholders, groups, ADKAR, resistance.
    Case("GET", "/portfolio/{node_id}/change", ALL, path=_project("/change")),
    Case(
        "POST",
        "/portfolio/{node_id}/change/stakeholders",
        PLANNERS,
        _person,
        lambda p: _strs({"person_id": p["person_id"], **STAKEHOLDER}),
        path=_project("/change/stakeholders"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/groups",
        PLANNERS,
        form=lambda p: {"name": f"Accounts payable {next(_n)}", "size": "40"},
        path=_project("/change/groups"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/adkar",
        PLANNERS,
        _stakeholder,
        lambda p: _strs({"subject": f"stakeholder:{p['stakeholder_id']}", **ADKAR_SCORES}),
        path=_project("/change/adkar"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/stakeholders/{stakeholder_id}",
        PLANNERS,
        _stakeholder,
        lambda p: _strs({"version": p["version"], "current_engagement": "supportive"}),
        path=lambda p: f"/portfolio/{p['project']}/change/stakeholders/{p['stakeholder_id']}",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/resistance",
        PLANNERS,
        form=lambda p: {"objection": "We lose our spreadsheet"},
        path=_project("/change/resistance"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/resistance/{item_id}",
        PLANNERS,
        _resistance,
        lambda p: _strs(
            {
                "version": p["version"],
                "underlying_reason": "lack_of_time",
                "adkar_element": "ability",
                "tactic": "coaching",
                "status": "mitigating",
            }
        ),
        path=lambda p: f"/portfolio/{p['project']}/change/resistance/{p['item_id']}",
    ),
    # --- Communication.
    Case("GET", "/portfolio/{node_id}/change/communication", ALL, path=_project("/change/communication")),
    Case("GET", "/portfolio/{node_id}/change/communication.ics", ALL, path=_project("/change/communication.ics")),
    Case(
        "POST",
        "/portfolio/{node_id}/change/communication/messages",
        PLANNERS,
        _group,
        lambda p: _strs(
            {
                "audience_group_id": p["group_id"],
                "key_message": "What changes for you",
                "message_type": "personal_impact",
                "channel": "team_meeting",
                "messenger_role": "people_manager",
                "planned_on": TODAY.isoformat(),
            }
        ),
        path=_project("/change/communication/messages"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/communication/{item_id}/sent",
        PLANNERS,
        _message,
        lambda p: {"occurrence_on": (TODAY - timedelta(days=14)).isoformat()},
        path=lambda p: f"/portfolio/{p['project']}/change/communication/{p['item_id']}/sent",
    ),
    # --- Feedback: anyone signed in may give it; the team works the queue.
    Case("GET", "/portfolio/{node_id}/feedback", SIGNED_IN, path=_project("/feedback")),
    Case(
        "POST",
        "/portfolio/{node_id}/feedback/open",
        SIGNED_IN,
        form=lambda p: {"text": "The form is slow"},
        path=_project("/feedback/open"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/feedback/check-ins",
        SIGNED_IN,
        form=lambda p: {"knowledge": "3", "blocker": "No sandbox"},
        path=_project("/feedback/check-ins"),
    ),
    Case("GET", "/portfolio/{node_id}/feedback/anonymous", SIGNED_IN, path=_project("/feedback/anonymous")),
    Case(
        "POST",
        "/portfolio/{node_id}/feedback/anonymous/responses",
        SIGNED_IN,
        form=lambda p: {"desire": "2", "comment": "Why again?"},
        path=_project("/feedback/anonymous/responses"),
    ),
    # The team page shows the anonymous report and "you said, we did" to every reader (as the API does); the queue
    # of named feedback and the check-ins only to who manages the change (test below).
    Case("GET", "/portfolio/{node_id}/change/feedback", ALL, path=_project("/change/feedback")),
    Case(
        "POST",
        "/portfolio/{node_id}/change/feedback/{channel}/{item_id}",
        PLANNERS,
        _feedback,
        lambda p: _strs({"version": p["version"], "you_said": "Slow form", "we_did": "Faster", "action": "save"}),
        path=lambda p: f"/portfolio/{p['project']}/change/feedback/open/{p['item_id']}",
    ),
    # --- Adoption, the champion network and legacy retirement, the change plan.
    Case("GET", "/portfolio/{node_id}/change/adoption", ALL, path=_project("/change/adoption")),
    Case(
        "POST",
        "/portfolio/{node_id}/change/adoption/metrics",
        PLANNERS,
        form=lambda p: {"name": f"Active {next(_n)}", "kind": "active_users", "system": "erp", "target": "60 %"},
        path=_project("/change/adoption/metrics"),
    ),
    Case("GET", "/portfolio/{node_id}/change/network", ALL, path=_project("/change/network")),
    Case(
        "POST",
        "/portfolio/{node_id}/change/network/champions",
        PLANNERS,
        lambda w: {**_person(w), **_group(w)},
        lambda p: _strs({"person_id": p["person_id"], "group_id": p["group_id"], "time_percent": 15}),
        path=_project("/change/network/champions"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/network/champions/{champion_id}/activities",
        PLANNERS,
        _champion_with_id,
        lambda p: _strs({"kind": "session", "attendees": 12}),
        path=lambda p: f"/portfolio/{p['project']}/change/network/champions/{p['champion_id']}/activities",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/network/legacy",
        PLANNERS,
        form=lambda p: {
            "name": f"Weekly status spreadsheet {next(_n)}",
            "kind": "spreadsheet",
            "replacement": "Cockpit",
            "retire_by": (TODAY + timedelta(days=30)).isoformat(),
        },
        path=_project("/change/network/legacy"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/change/network/legacy/{item_id}",
        PLANNERS,
        _legacy,
        lambda p: _strs({"version": p["version"], "status": "parallel"}),
        path=lambda p: f"/portfolio/{p['project']}/change/network/legacy/{p['item_id']}",
    ),
    Case("GET", "/portfolio/{node_id}/change/plan", ALL, path=_project("/change/plan")),
    Case("GET", "/portfolio/{node_id}/change/plan.{extension}", ALL, path=_project("/change/plan.md")),
    Case("GET", "/portfolio/{node_id}/change/plan.{extension}#docx", ALL, path=_project("/change/plan.docx")),
    Case(
        "POST",
        "/portfolio/{node_id}/change/plan/{template}/ask",
        PLANNERS,
        path=_project("/change/plan/resistance/ask"),
        allowed_status=409,  # no assistant is configured in tests; the call got past the permission check
    ),
    # --- Data feeds and the ledger.
    Case("GET", "/portfolio/{node_id}/feeds", ALL, path=_project("/feeds")),
    Case(
        "POST",
        "/portfolio/{node_id}/feeds/{feed_id}/submit",
        PLANNERS,
        _feed,
        lambda p: {"period": "2026-05"},
        path=lambda p: f"/portfolio/{p['project']}/feeds/{p['feed_id']}/submit",
        files=lambda: {"file": ("gl.csv", CSV, "text/csv")},
    ),
    Case("GET", "/feeds/submissions/{submission_id}", ALL, _submission),
    Case(
        "POST",
        "/portfolio/{node_id}/feeds/{feed_id}/rules",
        PLANNERS,
        _ledger,
        lambda p: _strs(
            {
                "match_CostCenter": f"CC-{next(_n) + 100}",
                "measure_id": p["measure_id"],
                "kind": "recurring",
                "rationale": "Cloud",
            }
        ),
        path=lambda p: f"/portfolio/{p['project']}/feeds/{p['feed_id']}/rules",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/feeds/{feed_id}/owner",
        PLANNERS,
        _feed,
        lambda p: _strs({"version": 1, "owner_id": p["sponsor"]}),
        path=lambda p: f"/portfolio/{p['project']}/feeds/{p['feed_id']}/owner",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/feeds/{feed_id}/notices",
        PLANNERS,
        _feed,
        lambda p: _strs({"period": "2026-07", "note": "Vendor column"}),
        path=lambda p: f"/portfolio/{p['project']}/feeds/{p['feed_id']}/notices",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/feeds/proposals/{proposal_id}",
        frozenset({"controller"}),
        _proposal,
        lambda p: _strs(
            {
                "version": p["proposal_version"],
                "decision": "confirm",
            }
        ),
        path=lambda p: f"/portfolio/{p['project']}/feeds/proposals/{p['proposal_id']}",
    ),
    # --- Analytics health: the node's page and its actions.
    Case("GET", "/portfolio/{node_id}/health", ALL, path=_project("/health")),
    Case("POST", "/portfolio/{node_id}/health/run", ALL, form=lambda p: {}, path=_project("/health/run")),
    Case(
        "POST",
        "/portfolio/{node_id}/health/profile",
        PLANNERS,
        form=lambda p: {"maturity_level": "3"},
        path=_project("/health/profile"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/health/artefacts",
        PLANNERS,
        form=lambda p: {"name": f"Tower view {next(_n)}", "kind": "dashboard"},
        path=_project("/health/artefacts"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/health/artefacts/{artefact_id}",
        PLANNERS,
        _artefact,
        lambda p: _strs(
            {
                "version": p["version"],
                "owner_id": "",
                "status": "retirement_proposed",
                "status_reason": "Nobody opens it",
            }
        ),
        path=lambda p: f"/portfolio/{p['project']}/health/artefacts/{p['artefact_id']}",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/health/actions",
        PLANNERS,
        _alerting,
        lambda p: _strs({"detector": "W1", "play": "reconnect", "owner_id": p["owner"]}),
        path=_project("/health/actions"),
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/health/actions/{action_id}",
        PLANNERS,
        _action,
        lambda p: _strs({"version": p["version"], "status": "done", "outcome": "Talked to the three managers"}),
        path=lambda p: f"/portfolio/{p['project']}/health/actions/{p['action_id']}",
    ),
    Case(
        "POST",
        "/portfolio/{node_id}/health/outcomes",
        PLANNERS,
        form=lambda p: _strs(
            {
                "good_looks_like": "Managers read showback monthly",
                "part_0": "GL extract",
                "part_owner_0": p["owner"],
                "deliverable_0": "Showback",
                "every_0": "month",
                "review_on": (TODAY + timedelta(days=60)).isoformat(),
            }
        ),
        path=_project("/health/outcomes"),
    ),
    # --- Audit.
    Case("GET", "/audit", frozenset({"pmo", "auditor"})),
    Case("GET", "/audit/verify", frozenset({"auditor"})),
    Case(
        "GET",
        "/audit/measures/{measure_id}/evidence.{fmt}",
        frozenset({"pmo", "auditor"}),
        path=lambda p: f"/audit/measures/{p['shared']}/evidence.json",
    ),
    Case(
        "GET",
        "/audit/measures/{measure_id}/evidence.{fmt}#csv",
        frozenset({"pmo", "auditor"}),
        path=lambda p: f"/audit/measures/{p['shared']}/evidence.csv",
    ),
    # --- Administration. People are managed by the administrator alone (no persona here, as in the API matrix).
    Case("GET", "/admin", frozenset({"pmo"})),
    Case("GET", "/admin/people", frozenset()),
    Case("POST", "/admin/people", frozenset(), form=lambda p: {"name": f"Newcomer {next(_n)}"}),
    Case(
        "POST",
        "/admin/people/{person_id}",
        frozenset(),
        _person,
        lambda p: _strs({"version": p["version"], "active": "yes"}),
    ),
    Case(
        "POST",
        "/admin/people/{person_id}/sign-in",
        frozenset(),
        _person,
        lambda p: {"login": f"newcomer{next(_n)}", "password": "a long enough phrase"},
    ),
    # Everyone signed in opens the page: it shows a person their own delegations (given and received) and the form to
    # delegate their own approvals (as through the API); everyone's, and any delegator, only to who manages them.
    Case("GET", "/admin/delegations", SIGNED_IN),
    Case(
        "POST",
        "/admin/delegations",
        frozenset({"sponsor", "pmo"}),
        form=lambda p: _strs(
            {
                "delegator_id": p["sponsor"],
                "deputy_id": p["deputy"],
                "starts_on": TODAY.isoformat(),
                "ends_on": (TODAY + timedelta(days=14)).isoformat(),
                "reason": "Holiday",
            }
        ),
    ),
    Case("POST", "/admin/delegations/{delegation_id}/end", frozenset({"sponsor", "pmo"}), _delegation),
    Case("GET", "/admin/org-units", frozenset({"pmo"})),
    Case("POST", "/admin/org-units", frozenset({"pmo"}), form=lambda p: {"name": f"Unit {next(_n)}", "kind": "other"}),
    Case(
        "POST",
        "/admin/org-units/{org_unit_id}",
        frozenset({"pmo"}),
        _org_unit,
        lambda p: _strs({"version": p["version"], "name": f"Renamed {next(_n)}"}),
    ),
    Case("GET", "/admin/services", frozenset({"pmo"})),
    Case(
        "POST",
        "/admin/services",
        frozenset({"pmo"}),
        form=lambda p: _strs({"name": f"Service {next(_n)}", "owner_id": p["sponsor"]}),
    ),
    Case(
        "POST",
        "/admin/services/{service_id}",
        frozenset({"pmo"}),
        _service,
        lambda p: _strs({"version": p["version"], "owner_id": p["owner"], "revenue_generating": "yes"}),
    ),
    Case("GET", "/admin/gates", frozenset({"pmo"})),
    Case(
        "POST",
        "/admin/gates/stages/{code}",
        frozenset({"pmo"}),
        _stage_version,
        lambda p: _strs({"version": p["version"], "label": f"L1 ({next(_n)})"}),
        path=lambda p: "/admin/gates/stages/identified",
    ),
    Case(
        "POST",
        "/admin/gates/{to_stage}",
        frozenset({"pmo"}),
        _gate_version,
        lambda p: _strs({"version": p["version"], "approvals": "sponsor", "requires_reason": "yes"}),
        path=lambda p: "/admin/gates/cancelled",
    ),
]


@pytest.fixture
def browsers(db, session):  # type: ignore[no-untyped-def]
    w = build_matrix_world(session)
    session.commit()
    app = create_app(load_settings(db.url), db=db, today=TODAY)
    signed_in = {persona: Browser(TestClient(app), persona) for persona in PERSONAS}
    w.s.commit()
    return w, signed_in, TestClient(app)


def _call(case: Case, p: Params, browser: Browser | None, anonymous: TestClient) -> Any:
    url = case.url(p)
    if case.method == "GET":
        client = browser.client if browser else anonymous
        return client.get(url, follow_redirects=False)
    form = case.form(p)
    files = case.files() if case.files else None
    if browser is None:
        headers = {"HX-Request": "true"} if case.htmx else {}
        return anonymous.post(url, data=form, files=files, headers=headers, follow_redirects=False)
    return browser.post(url, form, htmx=case.htmx, files=files)


def _verdict(case: Case, persona: str, r: Any) -> tuple[bool, str]:
    """Whether the answer is the one the persona should get, and what was wanted."""
    if persona == "anonymous":
        location = r.headers.get("location", "")
        return r.status_code == 303 and location.startswith("/login"), "303 to /login"
    if persona in case.allowed:
        if case.allowed_status:
            return r.status_code == case.allowed_status, str(case.allowed_status)
        if case.method == "GET":
            return r.status_code == 200, "200"
        if case.htmx:
            return r.status_code == 200 and "<html" not in r.text, "200 with a fragment"
        location = r.headers.get("location", "")
        return r.status_code == 303 and not location.startswith("/login"), "303 to the result"
    # An object on a node the persona may not see is not found (its name not told): 404. Everyone but the outsider
    # sees the project the cases' objects belong to, so they are told "not allowed": 403.
    if persona != "outsider":
        return r.status_code == 403, "403"
    ok = r.status_code == 403 or (r.status_code == 404 and "There is no" in r.text.split("<main", 1)[-1])
    return ok, "403, or 404 for what they may not see"


def test_every_page_as_every_persona(browsers) -> None:  # type: ignore[no-untyped-def]
    w, signed_in, anonymous = browsers
    wrong: list[str] = []
    for case in CASES:
        for persona in (*PERSONAS, "anonymous"):
            params = {**w.ids, **case.setup(w), "me": w.ids.get(persona)}
            w.s.commit()
            before = _trail(w)
            r = _call(case, params, signed_in.get(persona), anonymous)
            ok, expected = _verdict(case, persona, r)
            if not ok:
                body = r.text.split("<main", 1)[-1][:200] if "text/html" in r.headers.get("content-type", "") else ""
                wrong.append(
                    f"{case.method} {case.route} as {persona}: want {expected}, got {r.status_code} "
                    f"{r.headers.get('location', '')} {body}"
                )
            elif persona not in case.allowed and _trail(w) != before:
                wrong.append(f"{case.method} {case.route} as {persona}: refused but the audit trail grew")
            elif persona in case.allowed and case.method == "POST" and not case.allowed_status and _trail(w) == before:
                # The form did its work, not just answer 303.
                wrong.append(f"{case.method} {case.route} as {persona}: allowed but nothing was recorded")
    assert not wrong, "\n".join(wrong)


def test_pages_open_to_every_reader_show_the_managers_part_only_to_them(browsers) -> None:  # type: ignore[no-untyped-def]
    """The team feedback page and the sign-off page are open to every reader; the named feedback queue (the API's
    queue is for who manages the change) and the sign-off form (the controller's) are not shown to the others."""
    w, signed_in, _anonymous = browsers
    text = f"Slow form {next(_n)}"
    feedback.raise_feedback(w.s, actor=w["viewer"], node_id=w.ids["project"], text=text)
    measure = _implemented_with_actuals(w)["measure_id"]
    w.s.commit()
    for persona in sorted(ALL):
        team = signed_in[persona].get(f"/portfolio/{w.ids['project']}/change/feedback")
        assert team.status_code == 200
        assert (text in team.text) == (persona in PLANNERS), persona
        sign_off = signed_in[persona].get(f"/measures/{measure}/sign-off")
        assert sign_off.status_code == 200
        assert ('name="verified_value"' in sign_off.text) == (persona == "controller"), persona


def test_the_delegations_page_shows_a_person_their_own(browsers) -> None:  # type: ignore[no-untyped-def]
    """A sponsor may delegate their own approvals (as through the API) and lands on a page that shows them their own
    delegations, given and received, and no one else's; who manages delegations sees everyone's and names any
    delegator."""
    w, signed_in, _anonymous = browsers
    own = f"Own holiday {next(_n)}"
    other = f"Quarter close {next(_n)}"
    start, end = TODAY.isoformat(), (TODAY + timedelta(days=7)).isoformat()
    form = {"delegator_id": str(w.ids["sponsor"]), "deputy_id": str(w.ids["deputy"])}
    r = signed_in["sponsor"].post("/admin/delegations", {**form, "starts_on": start, "ends_on": end, "reason": own})
    assert r.status_code == 303 and r.headers["location"] == "/admin/delegations"
    people.create_delegation(
        w.s,
        actor=w["pmo"],
        delegator_id=w.ids["owner"],
        deputy_id=w.ids["controller"],
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=3),
        reason=other,
    )
    w.s.commit()
    mine = signed_in["sponsor"].get("/admin/delegations")
    assert mine.status_code == 200
    assert own in mine.text and other not in mine.text
    assert 'name="delegator_id"' in mine.text and 'id="delegation-delegator_id"' not in mine.text, "only their own"
    assert "End the delegation of" in mine.text
    theirs = signed_in["controller"].get("/admin/delegations")
    assert other in theirs.text and own not in theirs.text, "a deputy sees what they deputise for"
    assert "End the delegation of" not in theirs.text, "only the delegator (or a manager) ends one"
    everyone = signed_in["pmo"].get("/admin/delegations")
    assert own in everyone.text and other in everyone.text and 'id="delegation-delegator_id"' in everyone.text


def test_the_administrator_manages_people(browsers) -> None:  # type: ignore[no-untyped-def]
    """The people forms are refused to every persona of the matrix; here the one who may use them, does."""
    w, _signed_in, anonymous = browsers
    admin = Browser(TestClient(anonymous.app), "admin")
    people_cases = [c for c in CASES if c.route.startswith("/admin/people")]
    assert len(people_cases) == 4
    for case in people_cases:
        params = {**w.ids, **case.setup(w)}
        w.s.commit()
        before = _trail(w)
        r = _call(case, params, admin, anonymous)
        if case.method == "GET":
            assert r.status_code == 200, (case.route, r.status_code)
        else:
            assert r.status_code == 303 and _trail(w) != before, (case.route, r.status_code, _problem(r.text))


def test_every_page_route_has_a_permission_case() -> None:
    app = create_app(load_settings("sqlite://"))
    routes = {
        (method, c.path)
        for c in iter_route_contexts(app.routes)
        if isinstance(c.original_route, APIRoute) and not c.path.startswith(NOT_PAGES)
        for method in c.methods
        if method in ("GET", "POST")
    }
    assert len(routes) > 50  # the walk reached the lazily included routers
    covered = {(c.method, c.route.split("#")[0]) for c in CASES}
    assert covered - routes == set(), "cases for routes that do not exist"
    assert routes - covered - set(SKIPPED) == set(), "page routes without a permission case"


def test_the_skipped_routes_say_why() -> None:
    assert all(reason.strip() for reason in SKIPPED.values())
    assert not set(SKIPPED) & {(c.method, c.route.split("#")[0]) for c in CASES}


def _elsewhere(w: World) -> World:
    """The same builders, pointed at a project the owner and the controller have no part in."""
    other = portfolio.create_node(
        w.s,
        actor=w["pmo"],
        kind="project",
        name=f"Elsewhere {next(_n)}",
        parent_id=w.ids["program"],
        org_unit_id=w.ids["ou_fin"],
        owner_id=w.ids["deputy"],
        sponsor_id=w.ids["deputy"],
        controller_id=w.ids["finance"],
    )
    deputy, finance = w.ids["deputy"], w.ids["finance"]
    return World(
        w.s,
        {**w.actors, "owner": w["deputy"], "controller": w["finance"]},
        {**w.ids, "project": other.id, "owner": deputy, "controller": finance},
    )


# A form posted on the persona's own project (or measure) that names an object of a project they have no part in:
# the page must not act on it (the API would refuse the same call on that object).
Setup2 = Callable[[World, World], Params]  # made with the home world and the elsewhere one


def _there(setup: Callable[[World], Params]) -> Setup2:
    return lambda home, there: setup(there)


FOREIGN: list[tuple[str, str, Setup2, Callable[[Params], str], Callable[[Params], Form]]] = [
    (
        "revoke a grant",
        "owner",
        _there(_grant),
        lambda p: f"/portfolio/{p['home']}/grants/{p['grant_id']}/revoke",
        lambda p: {},
    ),
    (
        "mark a milestone done",
        "owner",
        _there(_milestone),
        lambda p: f"/measures/{p['shared']}/milestones/{p['milestone_id']}/done",
        lambda p: _strs({"version": p["version"], "done_on": TODAY.isoformat()}),
    ),
    (
        "assess a stakeholder",
        "owner",
        _there(_stakeholder),
        lambda p: f"/portfolio/{p['home']}/change/stakeholders/{p['stakeholder_id']}",
        lambda p: _strs(
            {
                "version": p["version"],
                "current_engagement": "leading",
            }
        ),
    ),
    (
        "score a stakeholder",
        "owner",
        _there(_stakeholder),
        lambda p: f"/portfolio/{p['home']}/change/adkar",
        lambda p: _strs({"subject": f"stakeholder:{p['stakeholder_id']}", **ADKAR_SCORES}),
    ),
    (
        "work on resistance",
        "owner",
        _there(_resistance),
        lambda p: f"/portfolio/{p['home']}/change/resistance/{p['item_id']}",
        lambda p: _strs(
            {
                "version": p["version"],
                "status": "mitigating",
                "underlying_reason": "lack_of_time",
                "adkar_element": "ability",
                "tactic": "coaching",
            }
        ),
    ),
    (
        "plan a message to another project's group",
        "owner",
        _there(_group),
        lambda p: f"/portfolio/{p['home']}/change/communication/messages",
        lambda p: _strs(
            {
                "audience_group_id": p["group_id"],
                "key_message": "What changes",
                "message_type": "personal_impact",
                "channel": "team_meeting",
                "messenger_role": "people_manager",
                "planned_on": TODAY.isoformat(),
            }
        ),
    ),
    (
        "mark a message sent",
        "owner",
        _there(_message),
        lambda p: f"/portfolio/{p['home']}/change/communication/{p['item_id']}/sent",
        lambda p: {"occurrence_on": (TODAY - timedelta(days=14)).isoformat()},
    ),
    (
        "answer feedback",
        "owner",
        _there(_feedback),
        lambda p: f"/portfolio/{p['home']}/change/feedback/open/{p['item_id']}",
        lambda p: _strs({"version": p["version"], "you_said": "Slow", "we_did": "Faster", "action": "save"}),
    ),
    (
        "give feedback for another project's group",
        "viewer",
        _there(_group),
        lambda p: f"/portfolio/{p['home']}/feedback/open",
        lambda p: _strs({"text": "Slow", "group_id": p["group_id"]}),
    ),
    (
        "name a champion for another project's team",
        "owner",
        _there(lambda w: {**_person(w), **_group(w)}),
        lambda p: f"/portfolio/{p['home']}/change/network/champions",
        lambda p: _strs({"person_id": p["person_id"], "group_id": p["group_id"], "time_percent": 5}),
    ),
    (
        "log a champion's activity",
        "owner",
        _there(_champion_with_id),
        lambda p: f"/portfolio/{p['home']}/change/network/champions/{p['champion_id']}/activities",
        lambda p: _strs({"kind": "session", "attendees": 3}),
    ),
    (
        "move a legacy item on",
        "owner",
        _there(_legacy),
        lambda p: f"/portfolio/{p['home']}/change/network/legacy/{p['item_id']}",
        lambda p: _strs({"version": p["version"], "status": "parallel"}),
    ),
    (
        "map a ledger line",
        "owner",
        _there(_ledger),
        lambda p: f"/portfolio/{p['home']}/feeds/{p['feed_id']}/rules",
        lambda p: _strs(
            {
                "match_CostCenter": "CC-9",
                "measure_id": p["shared"],
                "kind": "recurring",
                "rationale": "x",
            }
        ),
    ),
    (
        "hand a feed over",
        "owner",
        _there(_ledger),
        lambda p: f"/portfolio/{p['home']}/feeds/{p['feed_id']}/owner",
        lambda p: _strs({"version": 1, "owner_id": p["owner"]}),
    ),
    (
        "announce a feed change",
        "owner",
        _there(_ledger),
        lambda p: f"/portfolio/{p['home']}/feeds/{p['feed_id']}/notices",
        lambda p: _strs({"period": "2026-08", "note": "New column"}),
    ),
    (
        "confirm a proposed actual",
        "controller",
        _there(_proposal),
        lambda p: f"/portfolio/{p['home']}/feeds/proposals/{p['proposal_id']}",
        lambda p: _strs(
            {
                "version": p["proposal_version"],
                "decision": "confirm",
            }
        ),
    ),
    (
        "change an artefact",
        "owner",
        _there(_artefact),
        lambda p: f"/portfolio/{p['home']}/health/artefacts/{p['artefact_id']}",
        lambda p: _strs(
            {
                "version": p["version"],
                "owner_id": "",
                "status": "retirement_proposed",
                "status_reason": "Unused",
            }
        ),
    ),
    (
        "record a decision in another project's meeting",
        "owner",
        _there(_meeting),
        lambda p: f"/meetings/{p['meeting_id']}/decisions",
        lambda p: {"outcome": "note", "text": "Noted"},
    ),
    (
        "cite another project's artefact",
        "owner",
        lambda home, there: {**_meeting(home), **_artefact(there)},
        lambda p: f"/meetings/{p['meeting_id']}/decisions",
        lambda p: _strs({"outcome": "note", "text": "Rests on it", "artefact_ids": p["artefact_id"]}),
    ),
    (
        "call a meeting for another project",
        "owner",
        lambda home, there: {"there": there.ids["project"]},
        lambda p: "/meetings",
        lambda p: _strs({"title": "SteerCo", "held_on": TODAY.isoformat(), "node_id": p["there"]}),
    ),
    (
        "grant access to the program above",
        "owner",
        lambda home, there: _person(home),
        lambda p: f"/portfolio/{p['program']}/grants",
        lambda p: _strs({"person_id": p["person_id"], "role": "reader"}),
    ),
    (
        "map a ledger line to another project's measure",
        "owner",
        lambda home, there: {**_ledger(home), "there_measure": there.measure(f"There {next(_n)}")},
        lambda p: f"/portfolio/{p['home']}/feeds/{p['feed_id']}/rules",
        lambda p: _strs(
            {
                "match_CostCenter": "CC-7",
                "measure_id": p["there_measure"],
                "kind": "recurring",
                "rationale": "x",
            }
        ),
    ),
    (
        "plan an outcome for another project's action",
        "owner",
        lambda home, there: _action(there),
        lambda p: f"/portfolio/{p['home']}/health/outcomes",
        lambda p: _strs(
            {
                "good_looks_like": "Read monthly",
                "part_0": "GL",
                "part_owner_0": p["owner"],
                "deliverable_0": "Showback",
                "every_0": "month",
                "review_on": (TODAY + timedelta(days=60)).isoformat(),
                "action_id": p["action_id"],
            }
        ),
    ),
    (
        "score another project's group",
        "owner",
        lambda home, there: _group(there),
        lambda p: f"/portfolio/{p['home']}/change/adkar",
        lambda p: _strs({"subject": f"group:{p['group_id']}", **ADKAR_SCORES}),
    ),
    (
        "define a metric for another project's group",
        "owner",
        lambda home, there: _group(there),
        lambda p: f"/portfolio/{p['home']}/change/adoption/metrics",
        lambda p: _strs(
            {
                "name": "Active",
                "kind": "active_users",
                "system": "erp",
                "target": "60 %",
                "audience_group_id": p["group_id"],
            }
        ),
    ),
    (
        "register an artefact for another project's group",
        "owner",
        lambda home, there: _group(there),
        lambda p: f"/portfolio/{p['home']}/health/artefacts",
        lambda p: _strs({"name": "View", "kind": "dashboard", "audience_group_id": p["group_id"]}),
    ),
]


@pytest.mark.parametrize(("what", "persona", "setup", "path", "form"), FOREIGN, ids=[f[0] for f in FOREIGN])
def test_a_form_does_not_reach_another_projects_objects(browsers, what, persona, setup, path, form) -> None:  # type: ignore[no-untyped-def]
    w, signed_in, _anonymous = browsers
    p = {**w.ids, **setup(w, _elsewhere(w)), "home": w.ids["project"]}
    w.s.commit()
    before = _trail(w)
    r = signed_in[persona].post(path(p), form(p))
    # 422 where the form checks the object against the page's project ("there is no audience group 7 in Project").
    assert r.status_code in (403, 404, 422), (
        what,
        r.status_code,
        r.headers.get("location"),
        r.text.split("<main", 1)[-1][:300],
    )
    assert _trail(w) == before, f"{what}: refused but something changed"


def test_filters_do_not_reach_another_projects_measures(browsers) -> None:  # type: ignore[no-untyped-def]
    """Lists and roll-ups filtered by a node or an org unit show the owner nothing of a project they have no part
    in: the node is not found, and the org unit's figures leave its measures out."""
    w, signed_in, _anonymous = browsers
    there = _elsewhere(w)
    name = f"Secret saving {next(_n)}"
    there.measure(name)
    w.s.commit()
    owner = signed_in["owner"]
    for url in ("/?node_id={p}", "/portfolio?node_id={p}", "/measures?node_id={p}", "/dependencies?node_id={p}"):
        r = owner.get(url.format(p=there.ids["project"]))
        assert r.status_code == 404 and name not in r.text, (url, r.status_code)
    for url in ("/", "/measures", "/portfolio", "/health", "/inbox", "/dependencies", "/meetings"):
        r = owner.get(url)
        assert r.status_code == 200 and name not in r.text, url
    for url in ("/?org_unit_id={ou}", "/measures?org_unit_id={ou}"):
        r = owner.get(url.format(ou=w.ids["ou_fin"]))
        assert r.status_code in (200, 403, 404) and name not in r.text, (url, r.status_code)
    assert name in signed_in["pmo"].get(f"/measures?node_id={there.ids['project']}").text  # the name is findable
