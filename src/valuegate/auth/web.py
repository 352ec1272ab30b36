"""Signing in and out of the web application."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from valuegate.auth.schemas import TokenRequest
from valuegate.auth.service import SESSION_HOURS, end_web_session, start_web_session
from valuegate.deps import SessionDep
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form
from valuegate.web.pages import FormPageDep, render
from valuegate.web.security import SESSION_COOKIE, clear_session_cookie, csrf_matches, set_session_cookie

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "vg_login_csrf"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or protocol-relative URL (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, next_url: str, form: FormState = NO_FORM, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, None, "auth/login.html", {"next": next_url, "form": form, "login_csrf": token}, status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(request: Request, session: SessionDep, typed: TypedForm, csrf_token: Annotated[str, Form()] = "") -> Response:
    target = _safe_next(typed.get("next"))
    # What was typed, to show again on a refusal: never the password.
    shown = {k: v for k, v in typed.items() if k != "password"}
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        expired = FormState("signin", shown, {}, "The sign-in form expired; please try again.")
        return _login_page(request, target, expired, 400)
    started: list[str] = []

    def act(body: TokenRequest) -> object:
        _web, plain = start_web_session(session, login=body.login, password=body.password)
        started.append(plain)
        return _web

    response = submit_form(
        session,
        form="signin",
        values=typed,
        schema=TokenRequest,
        act=act,
        then=target,
        redraw=lambda state, status: _login_page(
            request, target, FormState(state.name, shown, state.errors, state.message), status
        ),
    )
    if started:
        secure = request.app.state.settings.secure_cookies
        set_session_cookie(response, started[0], secure=secure, max_age=SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, page: FormPageDep) -> Response:
    end_web_session(page.session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response
