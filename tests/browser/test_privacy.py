"""Free text that identifies a person is refused on the page, with a message that says what was
found and where, and the text the user wrote stays in the form to be corrected."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
YEAR_2023 = "from=2023-01-01&to=2023-12-31&basemap=none"


def test_a_note_with_a_phone_number_is_refused_and_kept_in_the_form(tab):
    page = tab.open(f"/trender?{YEAR_2023}")
    form = page.locator('[data-testid="stForm"]').first
    text = "Nettlesertest: jenta ba oss ringe 912 34 567 i morgen"
    form.locator("textarea").fill(text)
    form.get_by_label("Skrevet av").fill("Feltteam test")
    form.locator('[data-testid="stSelectbox"]').filter(has_text="Område").click()
    page.get_by_role("option", name="Lillestrøm stasjonsområde").click()
    form.get_by_role("button", name="Lagre notat").click()
    error = page.locator('[data-testid="stAlertContentError"]')
    error.first.wait_for(timeout=60_000)  # the save's rerun may start after a first idle check
    tab.wait_idle()
    assert error.count() == 1
    assert error.inner_text().startswith("Notatteksten inneholder noe som ser ut som et telefonnummer (tegn 35–44).")
    assert "912" not in error.inner_text()
    assert page.get_by_text("La til notat nr.").count() == 0
    assert form.locator("textarea").input_value() == text  # nothing the user wrote is lost
    assert form.get_by_label("Skrevet av").input_value() == "Feltteam test"
    error.scroll_into_view_if_needed()
    tab.screenshot("personvern-notat-avvist")
    assert tab.exceptions() == [] and tab.foreign_requests == []
