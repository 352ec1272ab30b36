"""Kept only for the page modules that still import ``active_people`` (feeds, health, comms, adoption and the
change network pages, converted by others): the administration pages live in ``valuegate.admin``, and the people a
form offers come from ``auth.service.people_choices``. Remove once nothing imports it."""

from __future__ import annotations

from valuegate.auth.service import people_choices
from valuegate.web.pages import Page


def active_people(page: Page) -> list[tuple[int, str]]:
    return people_choices(page.session, actor=page.actor)
