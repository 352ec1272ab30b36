"""A signed-in browser without JavaScript, for tests of the web pages through the ASGI app."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factory import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A TestClient signed in through the login form, keeping its cookies, like a browser without scripts."""

    def __init__(self, client: TestClient, login: str) -> None:
        self.client = client
        form = client.get("/login").text
        token = _CSRF.search(form)
        assert token is not None
        r = client.post(
            "/login",
            data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        self.csrf = ""
        self.get("/inbox")  # any page carries the session's CSRF token (in the sign-out form)

    def get(self, url: str) -> Any:
        r = self.client.get(url)
        found = _CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)
        return r

    def post(self, url: str, data: dict[str, str], *, htmx: bool = False, csrf: bool = True, files: Any = None) -> Any:
        headers = {"HX-Request": "true"} if htmx else {}
        body = {**data, **({"csrf_token": self.csrf} if csrf else {})}
        return self.client.post(url, data=body, files=files, headers=headers, follow_redirects=False)
