"""The measure workspace: where a measure stands, what its next gate still needs, its figures and its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.audit.service import events_for_measure
from valuegate.auth.models import Person
from valuegate.auth.policy import can, require
from valuegate.context import today_of
from valuegate.dependencies.models import BusinessService, ServiceImpact
from valuegate.dependencies.service import dependencies_of
from valuegate.finance.service import measure_values
from valuegate.finance.web import grid_context
from valuegate.gates import service as gates
from valuegate.gates.rules import FORWARD
from valuegate.milestones.models import Milestone
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_measure
from valuegate.web.forms import parse_amount
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)

# Where on the measure page a person meets an unmet gate criterion (the section's anchor and what to do there);
# criteria not listed are met elsewhere (roles and org unit by a lead or the PMO, acknowledgements by the
# service's owner in their Decisions).
CRITERION_WHERE = {
    "annual_estimate": ("#case", "in the business case"),
    "one_time_costs": ("#case", "in the business case or the figures"),
    "dependencies_declared": ("#case", "in the business case"),
    "services_declared": ("#case", "in the business case"),
    "plan_values": ("#figures", "in the figures, row Plan"),
    "milestone_due": ("#milestones", "under milestones"),
    "milestones_done": ("#milestones", "under milestones"),
    "upstream_complete": ("#dependencies", "see its dependencies"),
    "actuals": ("#figures", "in the figures, row Actual (the controller), or confirmed from the ledger"),
}


def _names(page: Page, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(page.session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())


def why_no_request(page: Page, node: Node, nxt: gates.NextGate) -> str | None:
    """Why this person cannot request the next gate from the page now (None: the request button is offered):
    the checks ``gates.request_move`` makes, in words that say what is missing and who acts. Closing is never
    requested: the page offers the controller's sign-off instead."""
    if nxt.to_stage is None or nxt.to_stage == "closed":
        return None
    if nxt.pending_request_id:
        return "Its approvers decide the pending request in their Decisions."
    if node.archived_at is not None:
        return "The measure is archived; nothing more is requested for it."
    if not page.may("gate.request", node):
        return "The measure's owner or sponsor, a lead of its project, or the PMO requests this gate."
    if nxt.unmet:
        return "The request can be sent once everything above is done."
    return None


def workspace(
    request: Request, page: Page, measure_id: int, *, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    node, measure = get_measure(s, measure_id)
    require(s, page.actor, "node.view", node)
    nxt = gates.next_gate(s, actor=page.actor, measure_id=measure_id)
    closing = nxt.to_stage == "closed"
    blocked = why_no_request(page, node, nxt)
    milestones = list(s.scalars(select(Milestone).where(Milestone.measure_id == measure_id).order_by(Milestone.due_on)))
    links = dependencies_of(s, measure_id)
    impacts = s.execute(
        select(ServiceImpact, BusinessService.name, BusinessService.revenue_generating, BusinessService.owner_id)
        .join(BusinessService, BusinessService.id == ServiceImpact.service_id)
        .where(ServiceImpact.measure_id == measure_id)
    ).all()
    events = events_for_measure(s, measure_id)
    people = _names(
        page,
        {node.owner_id, node.sponsor_id, node.controller_id}
        | {e["actor_id"] for e in events}
        | {owner for *_rest, owner in impacts},
    )
    stage_index = FORWARD.index(measure.stage) if measure.stage in FORWARD else None
    return render(
        request,
        page,
        "portfolio/measure.html",
        {
            "node": node,
            "measure": measure,
            "forward": FORWARD,
            "stage_index": stage_index,
            "next": nxt,
            "can_request": nxt.to_stage is not None and not closing and blocked is None,
            "why_no_request": blocked,
            "where": CRITERION_WHERE,
            "closing": closing,
            "sign_off_needs": gates.sign_off_needs(s, node, measure) if closing else [],
            "is_controller": page.actor.person_id == node.controller_id,
            "g": grid_context(page, measure_id),
            "can_edit_case": node.archived_at is None
            and measure.stage not in ("closed", "cancelled")
            and can(s, page.actor, "node.edit", node),
            "can_edit_milestones": node.archived_at is None
            and measure.stage not in ("closed", "cancelled")
            and can(s, page.actor, "milestone.edit", node),
            "today": today_of(s),
            "milestones": milestones,
            "links": links,
            "impacts": [
                {
                    "service": name,
                    "revenue": revenue,
                    "owner": people.get(owner, "?"),
                    "acknowledged": imp.acknowledged_at,
                }
                for imp, name, revenue, owner in impacts
            ],
            "events": list(reversed(events)),
            "people": people,
            "error": error,
        },
        status,
    )


@router.get("/measures/{measure_id}", response_class=HTMLResponse)
def measure_page(request: Request, measure_id: int, page: PageDep) -> Response:
    return workspace(request, page, measure_id)


@router.post("/measures/{measure_id}/gate-requests")
def request_gate(
    request: Request,
    measure_id: int,
    page: FormPageDep,
    to_stage: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: gates.request_move(
            page.session, actor=page.actor, measure_id=measure_id, to_stage=to_stage, reason=reason or None
        ),
        then=f"/measures/{measure_id}",
        failure=lambda exc: workspace(request, page, measure_id, error=problem_text(exc), status=exc.status),
    )


def sign_off_page(
    request: Request, page: Page, measure_id: int, *, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    node, measure = get_measure(s, measure_id)
    require(s, page.actor, "node.view", node)
    values = measure_values(s, measure_id)
    recurring = {series: values.get(series, {}).get("recurring") for series in ("baseline", "forecast", "actual")}
    periods = sorted({p for v in recurring.values() if v for p in v["periods"]})
    is_controller = page.actor.person_id == node.controller_id
    return render(
        request,
        page,
        "portfolio/sign_off.html",
        {
            "node": node,
            "measure": measure,
            "recurring": recurring,
            "periods": periods,
            "is_controller": is_controller,
            "needs": gates.sign_off_needs(s, node, measure),
            "controller": _names(page, {node.controller_id}).get(node.controller_id or 0, "—"),
            "error": error,
        },
        status,
    )


@router.get("/measures/{measure_id}/sign-off", response_class=HTMLResponse)
def sign_off_form(request: Request, measure_id: int, page: PageDep) -> Response:
    return sign_off_page(request, page, measure_id)


@router.post("/measures/{measure_id}/sign-off")
def sign_off(
    request: Request,
    measure_id: int,
    page: FormPageDep,
    verified_value: Annotated[str, Form()] = "",
    evidence_ref: Annotated[str, Form()] = "",
    confirm_actuals: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: gates.sign_off(
            page.session,
            actor=page.actor,
            measure_id=measure_id,
            verified_value=parse_amount(verified_value, "The verified value"),
            evidence_ref=evidence_ref,
            confirm_actuals=confirm_actuals == "yes",
            comment=comment or None,
        ),
        then=f"/measures/{measure_id}",
        failure=lambda exc: sign_off_page(request, page, measure_id, error=exc.detail, status=exc.status),
    )
