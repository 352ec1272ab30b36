"""Administration in a real browser: people, delegations, services, org units, gate configuration and access
grants; each person sees only the sections they may manage."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.auth.models import Delegation, NodeGrant, Person
from valuegate.dependencies.models import BusinessService
from valuegate.gates.models import GateDef, StageDef
from valuegate.portfolio.models import Node, OrgUnit


def test_the_admin_manages_people_and_the_new_person_signs_in(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "admin")
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="People").first.click()
    add = page.get_by_role("region", name="Add a person")
    add.get_by_label("Name", exact=True).fill("Nora Lind")
    add.get_by_label("Title").fill("Change manager")
    add.get_by_label("Global role").select_option("viewer")
    add.get_by_label("Login (optional)").fill("nora")
    add.get_by_label("Password (with a login; at least 12 characters)").fill("short")
    add.get_by_role("button", name="Add the person").click()
    assert page.get_by_role("alert").is_visible()
    with live.db.session() as s:
        assert s.scalar(select(Person.id).where(Person.name == "Nora Lind")) is None, "nothing saved"
    add = page.get_by_role("region", name="Add a person")
    assert add.get_by_label("Name", exact=True).input_value() == "Nora Lind", "what was typed is kept"
    add.get_by_label("Password (with a login; at least 12 characters)").fill("a-long-enough-passphrase")
    add.get_by_role("button", name="Add the person").click()
    page.wait_for_url("**/admin/people")
    row = page.get_by_test_id("people").locator("tr", has_text="Nora Lind")
    row.get_by_label("Global role of Nora Lind").select_option("pmo")
    row.get_by_role("button", name="Save Nora Lind").click()
    page.wait_for_url("**/admin/people*")
    with live.db.session() as s:
        assert s.scalar(select(Person.global_role).where(Person.name == "Nora Lind")) == "pmo"
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Login").fill("nora")
    page.get_by_label("Password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert "Nora Lind" in page.locator(".who").inner_text()
    assert page.console_errors == [], page.console_errors


def test_the_pmo_configures_gates_services_org_units_and_deputies(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.goto("/admin")
    tabs = page.get_by_role("navigation", name="Administration").inner_text()
    assert "Gates" in tabs and "People" not in tabs, "a PMO lead does not manage people"
    assert page.goto("/admin/people").status == 403  # type: ignore[union-attr]

    page.goto("/admin/gates")
    page.get_by_label("identified", exact=True).fill("Idea qualified")
    page.get_by_role("button", name="Rename stage identified").click()
    page.wait_for_url("**/admin/gates")
    gate = page.locator("#gate-detailed")
    gate.get_by_label("Approvers, in order").fill("controller; sponsor or pmo")
    gate.get_by_role("button", name="Save the gate into Detailed").click()
    page.wait_for_url("**/admin/gates*")
    closing = page.locator("#gate-closed")
    closing.get_by_label("Approvers, in order").fill("sponsor")
    closing.get_by_role("button", name="Save the gate into Closed").click()
    assert "controller's sign-off" in page.get_by_role("alert").inner_text()
    with live.db.session() as s:
        assert s.get(StageDef, "identified").label == "Idea qualified"  # type: ignore[union-attr]
        assert s.get(GateDef, "detailed").approvals == [["controller"], ["sponsor", "pmo"]]  # type: ignore[union-attr]
        assert s.get(GateDef, "closed").approvals == [["controller"]]  # type: ignore[union-attr]

    page.goto("/admin/services")
    add = page.get_by_role("region", name="Add a business service")
    add.get_by_label("Name").fill("Intercompany billing")
    add.get_by_label("Owner").select_option(label="Carl Jensen")
    add.get_by_label("Revenue-generating").check()
    add.get_by_role("button", name="Add the service").click()
    page.wait_for_url("**/admin/services")
    assert "Intercompany billing" in page.get_by_test_id("services").inner_text()

    page.goto("/admin/org-units")
    add = page.get_by_role("region", name="Add an org unit")
    add.get_by_label("Name", exact=True).fill("Group accounting")
    add.get_by_label("Kind").select_option("finance")
    add.get_by_label("Part of").select_option(label="Finance")
    add.get_by_role("button", name="Add the org unit").click()
    page.wait_for_url("**/admin/org-units")
    assert "Group accounting" in page.get_by_test_id("org-units").inner_html()

    page.goto("/admin/delegations")
    page.get_by_label("Delegator").select_option(label="Sofia Brandt")
    page.get_by_label("Deputy", exact=True).select_option(label="Sofia Brandt")
    page.get_by_label("First day").fill(date.today().isoformat())
    page.get_by_label("Last day").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Name the deputy").click()
    assert "own deputy" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("First day").input_value() == date.today().isoformat(), "what was typed is kept"
    page.get_by_label("Deputy", exact=True).select_option(label="Clara Weiss")
    page.get_by_role("button", name="Name the deputy").click()
    page.wait_for_url("**/admin/delegations")
    page.get_by_role("button", name="End the delegation of Sofia Brandt to Clara Weiss").click()
    page.wait_for_url("**/admin/delegations")
    with live.db.session() as s:
        assert s.scalar(
            select(BusinessService.revenue_generating).where(BusinessService.name == "Intercompany billing")
        )
        assert s.scalar(select(OrgUnit.id).where(OrgUnit.name == "Group accounting"))
        ended = s.scalar(select(Delegation.revoked_at).order_by(Delegation.id.desc()).limit(1))
        assert ended is not None
    # Put the demo's gates back as they were for the other tests.
    page.goto("/admin/gates")
    page.get_by_label("identified", exact=True).fill("Identified")
    page.get_by_role("button", name="Rename stage identified").click()
    gate = page.locator("#gate-detailed")
    gate.get_by_label("Approvers, in order").fill("controller")
    gate.get_by_role("button", name="Save the gate into Detailed").click()
    page.wait_for_url("**/admin/gates*")
    assert page.console_errors == [], page.console_errors


def test_access_is_granted_and_revoked_on_a_node(page, live) -> None:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        program = s.scalar(select(Node.id).where(Node.kind == "program").order_by(Node.id))
    sign_in(page, "pmo")
    page.goto(f"/portfolio?node_id={program}")
    access = page.get_by_role("region", name="Access to")
    access.get_by_label("Person").select_option(label="Victor Osei")
    access.get_by_label("Role").select_option("reader")
    access.get_by_role("button", name="Grant").click()
    page.wait_for_url(f"**/portfolio?node_id={program}*")
    assert "Victor Osei" in page.get_by_test_id("grants").inner_text()
    page.get_by_role("button", name="Revoke reader of Victor Osei").click()
    page.wait_for_url(f"**/portfolio?node_id={program}*")
    with live.db.session() as s:
        assert s.scalar(select(NodeGrant.id).where(NodeGrant.node_id == program)) is None


def test_owners_have_no_administration(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "owner")
    assert page.get_by_role("link", name="Admin").count() == 0
    assert page.goto("/admin").status == 403  # type: ignore[union-attr]
    assert page.goto("/admin/gates").status == 403  # type: ignore[union-attr]
