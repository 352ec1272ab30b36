"""The gate configuration a PMO lead tunes: stage labels, each gate's criteria, approvers and reason rule.

Closing stays the controller's sign-off whatever is configured: that is the product's promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, require
from valuegate.errors import InvalidInput, NotFound, check_version
from valuegate.gates import rules
from valuegate.gates.models import GateDef, StageDef
from valuegate.uow import use_case


def gate_view(g: GateDef) -> dict[str, Any]:
    return {
        "to_stage": g.to_stage,
        "criteria": g.criteria,
        "approvals": g.approvals,
        "requires_reason": g.requires_reason,
        "version": g.version,
    }


def configuration(session: Session) -> dict[str, Any]:
    stages: list[dict[str, Any]] = [
        {"code": s.code, "label": s.label, "ordinal": s.ordinal, "terminal": s.terminal, "version": s.version}
        for s in session.scalars(select(StageDef).order_by(StageDef.ordinal))
    ]
    order: dict[str, int] = {s["code"]: s["ordinal"] for s in stages}
    gates = sorted(
        (gate_view(g) for g in session.scalars(select(GateDef))), key=lambda g: order.get(str(g["to_stage"]), 99)
    )
    return {
        "stages": stages,
        "gates": gates,
        "criteria": sorted(rules.CRITERIA),
        "roles": sorted(rules.APPROVER_ROLES),
    }


@use_case
def relabel_stage(session: Session, *, actor: Actor, code: str, version: int | None, label: str) -> StageDef:
    require(session, actor, "gates.configure", what="the gate configuration")
    stage = session.get(StageDef, code)
    if stage is None:
        raise NotFound(f"There is no stage {code!r}.")
    check_version("The stage", stage.version, version)
    if not label.strip():
        raise InvalidInput("A stage needs a label.")
    before = stage.label
    stage.label = label.strip()
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="stage.relabel",
        entity_type="stage_def",
        entity_id=None,
        before={"code": code, "label": before},
        after={"code": code, "label": stage.label},
    )
    return stage


@use_case
def tune_gate(
    session: Session,
    *,
    actor: Actor,
    to_stage: str,
    version: int | None,
    criteria: list[str] | None = None,
    approvals: list[list[str]] | None = None,
    requires_reason: bool | None = None,
) -> GateDef:
    require(session, actor, "gates.configure", what="the gate configuration")
    gate = session.get(GateDef, to_stage)
    if gate is None:
        raise NotFound(f"There is no gate into {to_stage!r}.")
    check_version("The gate", gate.version, version)
    if criteria is not None:
        unknown = [c for c in criteria if c not in rules.CRITERIA]
        if unknown:
            raise InvalidInput(f"Unknown criteria: {', '.join(unknown)}.")
    if approvals is not None:
        bad = [r for slot in approvals for r in slot if r not in rules.APPROVER_ROLES]
        if bad or not approvals or any(not slot for slot in approvals):
            raise InvalidInput(f"Each approval slot needs roles from {', '.join(sorted(rules.APPROVER_ROLES))}.")
        if to_stage == "closed" and approvals != [["controller"]]:
            raise InvalidInput("Closing is always the controller's sign-off alone.")
    if to_stage == "closed" and criteria is not None and "controller_signoff" not in criteria:
        raise InvalidInput("Closing always requires the controller's sign-off.")
    before = {"criteria": gate.criteria, "approvals": gate.approvals, "requires_reason": gate.requires_reason}
    if criteria is not None:
        gate.criteria = criteria
    if approvals is not None:
        gate.approvals = approvals
    if requires_reason is not None:
        gate.requires_reason = requires_reason
    session.flush()
    after = gate_view(gate)
    after.pop("version")
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.configure",
        entity_type="gate_def",
        entity_id=None,
        before={"to_stage": to_stage, **before},
        after=after,
    )
    return gate


def approval_slots(text: str) -> list[list[str]]:
    """The approvers as a person types them: 'sponsor; controller' is two slots in order; 'lead or pmo' is one slot
    either role may fill."""
    slots = [[r.strip() for r in part.replace(" or ", ",").split(",") if r.strip()] for part in text.split(";")]
    slots = [slot for slot in slots if slot]
    if not slots:
        problem = "needs at least one approver, e.g. 'sponsor; controller' or 'lead or pmo'"
        raise InvalidInput(f"A gate {problem}.", errors=[{"at": "approvals", "problem": problem}])
    return slots


@dataclass(frozen=True)
class GatesPage:
    """The gate configuration page: the sections of the administration and the configuration itself."""

    sections: list[tuple[str, str]]
    config: dict[str, Any]
    criteria_help: dict[str, str]


def gates_page(session: Session, *, actor: Actor) -> GatesPage:
    from valuegate.auth.service import admin_section

    return GatesPage(
        sections=admin_section(session, actor=actor, slug="gates"),
        config=configuration(session),
        criteria_help=dict(rules.CRITERIA_LABELS),
    )
