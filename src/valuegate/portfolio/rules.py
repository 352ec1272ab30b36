"""Hierarchy rules. No database."""

from __future__ import annotations

NODE_KINDS = ("portfolio", "program", "project", "measure")
PARENT_KIND = {"portfolio": None, "program": "portfolio", "project": "program", "measure": "project"}
ORG_UNIT_KINDS = (
    "company",
    "finance",
    "hr",
    "procurement",
    "infrastructure",
    "application",
    "service",
    "business_unit",
    "other",
)


def check_parent(kind: str, parent_kind: str | None) -> str | None:
    """The reason a node of ``kind`` cannot sit under ``parent_kind``, or None when it can."""
    if kind not in PARENT_KIND:
        return f"unknown kind {kind!r}; use one of {', '.join(NODE_KINDS)}"
    wanted = PARENT_KIND[kind]
    if wanted is None and parent_kind is not None:
        return "a portfolio is the top of the hierarchy and has no parent"
    if wanted is not None and parent_kind != wanted:
        return f"a {kind} belongs under a {wanted}" + (f", not under a {parent_kind}" if parent_kind else "")
    return None


def child_path(parent_path: str | None, node_id: int) -> str:
    return f"{parent_path or '/'}{node_id}/"


def separation_problem(owner_id: int | None, sponsor_id: int | None, controller_id: int | None) -> str | None:
    if controller_id is not None and controller_id in (owner_id, sponsor_id):
        return "The controller must not also be the owner or the sponsor of the same measure (segregation of duties)."
    return None
