"""Three assistant prompts, filled in from the workstream's own records so a change manager can copy them into an
assistant (or send them to the one the deployment configures): the top resistance points with reasons and
tactics; a communication matrix per stakeholder group; five adoption metrics with thresholds and collection
methods. Only aggregated, non-anonymous facts go in: names of stakeholders yes, anonymous comments never."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.adoption import service as adoption
from valuegate.adoption.models import UsageDay
from valuegate.auth.policy import Actor, can
from valuegate.change import rules, service
from valuegate.comms import rules as comms_rules
from valuegate.comms import service as comms
from valuegate.context import settings_of
from valuegate.errors import Conflict, DomainError, NotFound
from valuegate.portfolio.models import Node

TEMPLATES = {
    "resistance": "Top resistance points, with reasons and tactics",
    "communication": "A communication matrix per stakeholder group",
    "metrics": "Five adoption metrics with thresholds and collection methods",
}
SYSTEM_MESSAGE = (
    "You are an experienced organisational change manager who uses Prosci's ADKAR model. Answer concisely, in "
    "tables where asked, and base every point on the facts given."
)
TIMEOUT_SECONDS = 60


class AssistantUnavailable(DomainError):
    status = 502
    title = "Assistant unavailable"


def _context(session: Session, actor: Actor, node_id: int) -> dict[str, Any]:
    node = session.get(Node, node_id)
    people = service.stakeholders(session, actor=actor, node_id=node_id)
    assert node is not None
    return {
        "node": node,
        "people": people,
        "groups": service.groups(session, actor=actor, node_id=node_id),
        "adkar": service.adkar_overview(session, actor=actor, node_id=node_id),
        "register": service.resistance_register(session, actor=actor, node_id=node_id),
    }


def _groups_text(groups: list[dict[str, Any]]) -> str:
    return "; ".join(f"{g['name']} ({g['size']} people)" for g in groups) or "none recorded yet"


def _resistance(session: Session, actor: Actor, node_id: int) -> str:
    c = _context(session, actor, node_id)
    rollup = c["adkar"]["rollup"]
    barriers = ", ".join(f"{e}: {n}" for e, n in rollup["barriers"].items() if n) or "no assessments yet"
    gaps = [
        f"- {p['name']} ({p['role'] or 'role not recorded'}): {p['current_engagement']} → {p['desired_engagement']};"
        f" loses: {p['loses'] or 'not recorded'}; gains: {p['gains'] or 'not recorded'}"
        for p in c["people"]
        if p["engagement_gap"] > 0
    ]
    known = Counter(r["underlying_reason"] for r in c["register"] if r["underlying_reason"])
    open_items = [f"- {r['objection']}" for r in c["register"] if r["status"] in ("open", "mitigating")]
    return "\n".join(
        [
            f"The {c['node'].kind} '{c['node'].name}' is introducing a new system and way of working.",
            f"Impacted groups: {_groups_text(c['groups'])}.",
            f"ADKAR barrier points of assessed stakeholders: {barriers}.",
            "Stakeholders who need to move:",
            *(gaps or ["- none recorded"]),
            "Objections already raised:",
            *(open_items or ["- none yet"]),
            f"Underlying reasons seen so far: {', '.join(f'{k} ({n})' for k, n in known.items()) or 'none'}.",
            "",
            "List the five resistance points most likely to stall this change. For each give: the objection as people "
            "would say it, the underlying reason (one of: " + ", ".join(rules.RESISTANCE_REASONS) + "), the ADKAR "
            "element it shows, and a mitigation tactic that works on that element (one of: "
            + ", ".join(rules.TACTICS)
            + "), with who should act. Answer as a table.",
        ]
    )


def _communication(session: Session, actor: Actor, node_id: int) -> str:
    c = _context(session, actor, node_id)
    matrix = comms.matrix(session, actor=actor, node_id=node_id)
    planned = [
        f"- {i['audience']}: '{i['key_message']}' ({i['message_type']}, {i['channel']}, by {i['messenger_role']})"
        for i in matrix["items"]
        if i["status"] != "cancelled"
    ]
    sponsors = [p["name"] for p in c["people"] if p["grid"] == "manage_closely"]
    barrier = c["adkar"]["rollup"]["dominant_barrier"]
    return "\n".join(
        [
            f"The {c['node'].kind} '{c['node'].name}' needs a communication plan.",
            f"Stakeholder groups: {_groups_text(c['groups'])}.",
            f"Key players who can send messages: {', '.join(sponsors) or 'none recorded'}.",
            f"The most common ADKAR barrier is {barrier or 'not assessed yet'}.",
            "Already planned:",
            *(planned or ["- nothing yet"]),
            "",
            "Draft a communication matrix per stakeholder group with columns: audience, key message, message type ("
            + ", ".join(comms_rules.MESSAGE_TYPES)
            + "), channel, messenger (business reasons from the sponsor or a senior leader, personal impact from "
            "the person's own manager), cadence, desired action and how it is measured. The first message to each "
            "group must say why we change, why now and the risk of not changing; plan each key message 5 to 7 "
            "times. Answer as one table per group.",
        ]
    )


def _metrics(session: Session, actor: Actor, node_id: int) -> str:
    c = _context(session, actor, node_id)
    board = adoption.dashboard(session, actor=actor, node_id=node_id)
    systems = sorted({m["system"] for m in board["metrics"] if m["system"]})
    events: list[str] = []
    if systems:
        top = session.execute(
            select(UsageDay.system, UsageDay.event, func.sum(UsageDay.count).label("n"))
            .where(UsageDay.system.in_(systems))
            .group_by(UsageDay.system, UsageDay.event)
            .order_by(func.sum(UsageDay.count).desc())
            .limit(15)
        ).all()
        events = [f"- {s}: {e} ({n:,} times)" for s, e, n in top]
    existing = [f"- {m['name']} ({m['kind']}), target {m['comparator']} {m['target']}" for m in board["metrics"]]
    return "\n".join(
        [
            f"The {c['node'].kind} '{c['node'].name}' must show that people use the new system, not only log in.",
            f"Intended audiences: {_groups_text(c['groups'])}.",
            f"Systems tracked: {', '.join(systems) or 'none yet'}. Most frequent events:",
            *(events or ["- no usage events yet"]),
            "Metrics already defined:",
            *(existing or ["- none"]),
            "",
            "Propose five adoption metrics beyond login counts (for example active users of the intended audience, "
            "key-feature adoption, depth with a minimum of active days, stickiness DAU/MAU, time to first value, "
            "task completion, legacy-versus-new usage). For each give: the behaviour it evidences, the exact "
            "formula, the threshold and by when, the collection method (event stream, system log export, report "
            "view log, survey, manual attestation) and what a low value usually means. Answer as a table.",
        ]
    )


_BUILDERS = {"resistance": _resistance, "communication": _communication, "metrics": _metrics}


def prompt(session: Session, *, actor: Actor, node_id: int, template: str) -> dict[str, str]:
    builder = _BUILDERS.get(template)
    if builder is None:
        raise NotFound(f"There is no prompt template {template!r}; use one of {', '.join(TEMPLATES)}.")
    return {
        "template": template,
        "title": TEMPLATES[template],
        "system": SYSTEM_MESSAGE,
        "prompt": builder(session, actor, node_id),
    }


def ask(session: Session, *, actor: Actor, node_id: int, template: str) -> dict[str, str]:
    """Send a filled prompt to the OpenAI-compatible chat-completions endpoint the deployment configured."""
    settings = settings_of(session)
    service.workstream_node(session, actor, node_id, "change.manage")  # it sends the plan's facts outside
    filled = prompt(session, actor=actor, node_id=node_id, template=template)
    if not settings.assistant_url:
        raise Conflict("No assistant is configured (VALUEGATE_ASSISTANT_URL); copy the prompt instead.")
    body = json.dumps(
        {
            "model": settings.assistant_model or "default",
            "messages": [
                {"role": "system", "content": filled["system"]},
                {"role": "user", "content": filled["prompt"]},
            ],
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if settings.assistant_key:
        headers["Authorization"] = f"Bearer {settings.assistant_key}"
    url = settings.assistant_url.rstrip("/") + "/chat/completions"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read())
        text = answer["choices"][0]["message"]["content"]
    except urllib.error.HTTPError as exc:
        raise AssistantUnavailable(f"The assistant answered {exc.code}; the prompt can still be copied.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise AssistantUnavailable(f"The assistant could not be reached ({exc}); copy the prompt instead.") from exc
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise AssistantUnavailable(
            "The assistant's answer was not a chat completion; copy the prompt instead."
        ) from exc
    return {**filled, "answer": str(text)}


@dataclass(frozen=True)
class PlanPage:
    """What the plan and prompts page of a program or project shows, read for one person: the filled prompts,
    whether an assistant is configured, and whether the person may send a prompt to it."""

    node: Node
    prompts: list[dict[str, str]]
    assistant: bool
    may_manage: bool


def plan_page(session: Session, *, actor: Actor, node_id: int) -> PlanPage:
    node = service.workstream_node(session, actor, node_id, "node.view")
    return PlanPage(
        node=node,
        prompts=[prompt(session, actor=actor, node_id=node_id, template=t) for t in TEMPLATES],
        assistant=bool(settings_of(session).assistant_url),
        may_manage=can(session, actor, "change.manage", node),
    )
