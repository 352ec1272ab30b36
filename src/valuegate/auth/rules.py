"""Who may do what: one table read both to check a single object and to filter lists."""

from __future__ import annotations

GLOBAL_ROLES = ("admin", "pmo", "finance", "auditor", "viewer")
GRANT_ROLES = ("lead", "member", "reader", "pmo", "change")
# Global roles that can read the whole portfolio.
READ_ALL = {"admin", "pmo", "finance", "auditor", "viewer"}

# Roles a person can hold on a node: a global role, a grant inherited down the tree ("lead", "member",
# "reader", "pmo"), or a named role on the node or above it ("owner", "sponsor", "controller"; owning a
# program or project makes one its "lead").
PERMISSIONS: dict[str, frozenset[str]] = {
    "node.view": frozenset(READ_ALL | {"lead", "member", "reader", "change", "owner", "sponsor", "controller"}),
    "node.create": frozenset({"admin", "pmo", "lead"}),
    "measure.create": frozenset({"admin", "pmo", "lead", "member"}),
    "node.edit": frozenset({"admin", "pmo", "lead", "owner"}),
    "node.assign_roles": frozenset({"admin", "pmo", "lead"}),
    "node.move": frozenset({"admin", "pmo"}),
    "node.archive": frozenset({"admin", "pmo", "lead"}),
    "values.plan": frozenset({"pmo", "lead", "owner"}),
    "values.forecast": frozenset({"pmo", "lead", "owner"}),
    "values.actual": frozenset({"controller"}),  # plus the configured global roles (finance)
    "milestone.edit": frozenset({"pmo", "lead", "owner"}),
    "gate.request": frozenset({"pmo", "lead", "owner", "sponsor"}),
    "dependency.edit": frozenset({"admin", "pmo", "lead", "owner"}),
    "service.manage": frozenset({"admin", "pmo"}),
    "meeting.manage": frozenset({"admin", "pmo", "lead"}),
    # The change workstream of a program or project: its leads, and change managers granted the "change" role.
    "change.manage": frozenset({"admin", "pmo", "lead", "change"}),
    # Usage events from other systems (an integration account with the pmo role, or an admin).
    "usage.ingest": frozenset({"admin", "pmo"}),
    "audit.read": frozenset({"admin", "auditor", "pmo"}),
    "audit.verify": frozenset({"admin", "auditor"}),
    "people.manage": frozenset({"admin"}),
    "people.view": frozenset(READ_ALL | {"lead", "member"}),
    "orgunit.manage": frozenset({"admin", "pmo"}),
    "gates.configure": frozenset({"admin", "pmo"}),
    "grant.manage": frozenset({"admin", "pmo", "lead"}),
    "delegation.manage": frozenset({"admin", "pmo"}),
}

# The administration sections: address, label and the permission that opens each (the navigation offers "Admin"
# to whoever may open one of them).
ADMIN_SECTIONS: list[tuple[str, str, str]] = [
    ("people", "People", "people.manage"),
    ("org-units", "Org units", "orgunit.manage"),
    ("delegations", "Delegations", "delegation.manage"),
    ("services", "Business services", "service.manage"),
    ("gates", "Gates", "gates.configure"),
]


def allowed(action: str, roles: set[str], *, extra: tuple[str, ...] = ()) -> bool:
    permitted = PERMISSIONS[action]
    return bool(roles & permitted) or bool(extra and roles & set(extra))
