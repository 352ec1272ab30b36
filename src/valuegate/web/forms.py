"""Reading what forms send: empty means "not chosen", anything else must make sense. A posted form reaches a page
route through a dependency (``TypedForm``, or ``PostedForm`` for fields sent more than once) that only awaits the
request, so the route stays a plain ``def`` and its database work runs in the thread pool, never on the event loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from valuegate.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from valuegate.finance import rules as fin
from valuegate.gates.rules import STAGE_ORDER
from valuegate.milestones.rules import IMPL_STATUSES
from valuegate.web.security import CSRF_FIELD

# The implementation statuses a person filters by: the stored ones and the derived "at risk (upstream)".
IMPL_ROWS = [*IMPL_STATUSES, "at_risk_upstream"]


def optional_id(value: str, name: str) -> int | None:
    """An id from a filter form: empty means "not chosen"."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise InvalidInput(f"{name} must be a number.")
    return int(value)


def check_status_filters(stage: str | None, impl_status: str | None, value_status: str | None) -> None:
    """Stage, implementation status and value status as chosen in a filter form (empty: any)."""
    if stage and stage not in STAGE_ORDER:
        raise InvalidInput(f"Unknown stage {stage!r}.")
    if impl_status and impl_status not in IMPL_ROWS:
        raise InvalidInput(f"Unknown implementation status {impl_status!r}.")
    if value_status and value_status not in fin.VALUE_RAG:
        raise InvalidInput(f"Unknown value status {value_status!r}.")


def parse_money(text: str) -> int | None:
    """An amount as a person types it, in major units ('12,500', '-3000', '1 250.50'), into minor units (cents);
    None when empty. Raises ValueError with a reason a person understands."""
    cleaned = text.replace(",", "").replace(" ", "").replace("\u00a0", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
        if not value.is_finite() or abs(value) > fin.MAX_AMOUNT:
            raise InvalidOperation
    except InvalidOperation as exc:
        raise ValueError(f"{text.strip()!r} is not an amount; type it like 12500 or -3000.50") from exc
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{text.strip()!r} has more than two decimals")
    return fin.check_amount(int(value * 100))


def parse_amount(text: str, what: str, *, signed: bool = False) -> int:
    """A required amount from a form field, in minor units; refused with a clear message."""
    try:
        amount = parse_money(text)
    except ValueError as exc:
        raise InvalidInput(f"{what}: {exc}.") from exc
    if amount is None:
        raise InvalidInput(f"{what} is required.")
    if amount < 0 and not signed:
        raise InvalidInput(f"{what} is a positive amount.")
    return amount


def parse_day(text: str, what: str) -> date:
    """A date from a form field (YYYY-MM-DD, as a date input sends it); refused with a clear message."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"{what} is a date such as 2026-12-31.") from exc


async def form_text(request: Request) -> dict[str, str]:
    """Every text field of a posted form (what the person typed, to show again on a refusal), without the CSRF
    token."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != CSRF_FIELD}


TypedForm = Annotated[dict[str, str], Depends(form_text)]


async def posted_form(request: Request) -> FormData:
    """The whole posted form, for a page whose form sends a field more than once (``getlist``)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def optional_day(text: str, what: str) -> date | None:
    return parse_day(text, what) if text.strip() else None


def whole_number(text: str, what: str, *, optional: bool = False) -> int | None:
    cleaned = text.strip()
    if not cleaned and optional:
        return None
    if not cleaned.lstrip("-").isdigit():
        raise InvalidInput(f"{what} is a whole number.")
    return int(cleaned)


# --- One shape for every form: parsed by the API's schema, redrawn with what was typed and the errors beside
# their fields on a refusal, a 303 to the page on success (post / redirect / get). -----------------------------

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class FormState:
    """The form a person posted, drawn again after a refusal: which form of the page it was (``name``), what they
    typed, the problems beside their fields, and what was wrong with the whole (``message``). A page drawn afresh
    has the empty state: every form shows its defaults."""

    name: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    message: str = ""

    @classmethod
    def refused(cls, name: str, values: Mapping[str, str], exc: DomainError) -> FormState:
        fields = {
            str(e.get("at") or e.get("field")): str(e["problem"])
            for e in exc.errors
            if (e.get("at") or e.get("field")) and e.get("problem")
        }
        # The summary at the top of the form names every problem too (an error summary, as accessible forms have),
        # so none is lost where a field is hidden or drawn elsewhere; each is also drawn beside its field.
        listed = "; ".join(f"{at.replace('_', ' ')}: {problem}" for at, problem in fields.items())
        message = f"{exc.detail} {listed}".strip()
        return cls(name, dict(values), fields, message)

    def value(self, form: str, name: str, default: str = "") -> str:
        """What the person typed into ``name`` of ``form`` when it was the form refused, else ``default``."""
        return self.values.get(name, default) if form == self.name else default

    def error(self, form: str, name: str) -> str:
        return self.errors.get(name, "") if form == self.name else ""

    def problem(self, form: str) -> str:
        return self.message if form == self.name else ""


NO_FORM = FormState()


def read_form(schema: type[M], values: Mapping[str, str]) -> M:
    """A posted form read by the same Pydantic schema as the API's request body (form text is converted as the
    schema's types say); an empty field is one not given. Refused with each problem named by its field."""
    given = {k: v.strip() for k, v in values.items() if k in schema.model_fields and v.strip()}
    try:
        return schema.model_validate_strings(given)
    except ValidationError as exc:
        from valuegate.app import plain_problem

        problems = [{"at": ".".join(str(p) for p in e["loc"]), "problem": plain_problem(e)} for e in exc.errors()]
        raise InvalidInput("Some fields need another look.", errors=problems) from exc


def version_and_changes(body: BaseModel) -> tuple[int | None, dict[str, Any]]:
    """A patch as the use-cases take it: the version it was made against, and only the fields given."""
    changes = body.model_dump(exclude_unset=True)
    return changes.pop("version", None), changes


def submit_form(
    session: Session,
    *,
    form: str,
    values: Mapping[str, str],
    schema: type[M],
    act: Callable[[M], Any],
    then: str | Callable[[Any], str],
    redraw: Callable[[FormState, int], Response],
) -> Response:
    """Run one form's use-case: read the form by ``schema``, call ``act`` with it, and on success go to ``then``
    with a 303 (a reload does not post again). When the schema or the domain refuses, nothing is kept and the page
    is drawn again (``redraw``) with what was typed and each problem beside its field. A refusal of the person
    (not allowed, not found) is no problem with the form: it is answered by the error page, with its reason."""
    try:
        result = act(read_form(schema, values))
    except DomainError as exc:
        session.rollback()
        if isinstance(exc, (PermissionDenied, NotFound)):
            raise
        return redraw(FormState.refused(form, values, exc), exc.status)
    return RedirectResponse(then(result) if callable(then) else then, status_code=303)


def in_minor_units(values: Mapping[str, str], *names: str) -> dict[str, str]:
    """What was typed, with each amount ``names`` (typed in major units, '12,500' or '-3000.50') given as the whole
    minor units (cents) the API's schema reads; an amount that makes no sense is refused beside its field."""
    read = dict(values)
    problems = []
    for name in names:
        try:
            amount = parse_money(values.get(name, ""))
        except ValueError as exc:
            problems.append({"at": name, "problem": str(exc)})
            continue
        read[name] = "" if amount is None else str(amount)
    if problems:
        raise InvalidInput("Some fields need another look.", errors=problems)
    return read


def submit_typed_form(
    session: Session,
    *,
    form: str,
    values: Mapping[str, str],
    read: Callable[[Mapping[str, str]], Mapping[str, str]],
    schema: type[M],
    act: Callable[[M], Any],
    then: str | Callable[[Any], str],
    redraw: Callable[[FormState, int], Response],
) -> Response:
    """``submit_form`` for a form a person types otherwise than the schema reads it (amounts in major units):
    ``read`` turns what was typed into what the schema reads, and a refusal shows again what was typed."""

    def as_typed(state: FormState, status: int) -> Response:
        return redraw(FormState(state.name, dict(values), state.errors, state.message), status)

    try:
        converted = read(values)
    except DomainError as exc:
        return redraw(FormState.refused(form, values, exc), exc.status)
    return submit_form(session, form=form, values=converted, schema=schema, act=act, then=then, redraw=as_typed)
