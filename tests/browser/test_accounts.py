"""Accounts in a real browser, with CSRF on: an admin creates an editor, who signs in with
the first password, chooses their own, and cannot reach the accounts page."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, open_page, screenshot

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)


def test_an_admin_creates_an_editor_who_signs_in_and_cannot_reach_user_admin(admin_page, browser, base_url):
    admin_page.goto("/admin/polls")
    admin_page.get_by_role("link", name="accounts").click()
    admin_page.get_by_label("Username").fill("reporter")
    admin_page.get_by_label("Role").select_option("editor")
    admin_page.get_by_role("button", name="Create the account").click()
    first_password = admin_page.locator("code.one-time-password").inner_text()
    assert len(first_password) >= 12
    assert admin_page.locator("table.users tr", has_text="reporter").count() == 1
    screenshot(admin_page, "admin-users")

    context, page, problems = open_page(browser, base_url)
    page.goto("/admin/login")
    page.get_by_label("Username").fill("reporter")
    page.get_by_label("Password").fill(first_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/account")
    page.get_by_label("Current password").fill(first_password)
    page.get_by_label("New password", exact=True).fill("reporter's own password")
    page.get_by_label("New password again").fill("reporter's own password")
    page.get_by_role("button", name="Change the password").click()
    page.wait_for_url("**/admin/polls")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="accounts").count() == 0
    assert nav.get_by_role("link", name="upload").count() == 1
    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    assert "users.manage" in page.locator("main").inner_text()
    screenshot(page, "editor-refused-user-admin")
    context.close()
    assert not problems or all("403" in p for p in problems), problems
