"""At phone width (390 px) the navigation sits behind a "Menu" button; on a laptop it is always shown.
(That no demo page scrolls sideways on a phone is checked page by page in test_every_page.py.)"""

from __future__ import annotations

from tests.browser.conftest import sign_in

PHONE = {"width": 390, "height": 844}


def test_the_menu_button_opens_the_navigation_on_a_phone(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "owner")
    page.set_viewport_size(PHONE)
    page.goto("/measures")
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible(), "the navigation waits behind the button"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible() and page.get_by_role("button", name="Sign out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.keyboard.press("Escape")
    assert not nav.is_visible() and menu.get_attribute("aria-expanded") == "false"

    menu.click()
    nav.get_by_role("link", name="Portfolio").click()
    page.wait_for_url("**/portfolio")
    assert page.get_by_role("heading", name="Portfolio").is_visible()
    assert page.console_errors == [], page.console_errors


def test_on_a_laptop_the_navigation_is_always_shown(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "owner")
    page.goto("/measures")
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()


def test_without_scripts_the_navigation_stays_open_on_a_phone(browser, live) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "owner")
        assert page.get_by_role("navigation", name="Main").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
