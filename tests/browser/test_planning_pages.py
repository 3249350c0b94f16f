"""The planning pages in the browser: focus suggestions and decisions, HKH follow-up."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_focus_page_ranks_suggestions_and_records_a_decision(tab):
    page = tab.open("/fokus")
    assert tab.exceptions() == []
    first = page.get_by_text(re.compile(r"^1\. ")).first
    assert "Lillestrøm" in first.inner_text()  # the station area leads the demo's ranking
    assert page.get_by_text("Mange treff: ").first.is_visible()
    tab.screenshot("fokus")

    form = page.locator('[data-testid="stForm"]').first
    form.locator('[data-testid="stMultiSelect"] input').click()
    page.keyboard.press("ArrowDown")  # opens the list (a click only focuses a multiselect low on the page)
    page.get_by_role("option").first.click()
    page.keyboard.press("Escape")
    form.get_by_label("Bestemt av").fill("Planleggingsmøtet, nettlesertest")
    form.get_by_label("Begrunnelse").fill("Mange treff og lite bemanning fredag kveld.")
    form.get_by_role("button", name="Lagre beslutningen").click()
    tab.wait_idle()
    assert page.get_by_text("Lagret beslutning nr.").is_visible()
    assert page.get_by_text("Planleggingsmøtet, nettlesertest").first.is_visible()
    assert tab.exceptions() == []


def test_focus_page_refuses_a_decision_without_rationale(tab):
    page = tab.open("/fokus")
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_role("button", name="Lagre beslutningen").click()
    tab.wait_idle()
    assert page.locator('[data-testid="stAlert"]').filter(has_text="Oppgi hvem som bestemte").is_visible()


def test_hkh_page_compares_baseline_and_follow_up(tab):
    page = tab.open("/hkh")
    assert tab.exceptions() == []
    assert page.get_by_text("Lillestrøm stasjon, Strømmen Storsenter").is_visible()  # the demo mapping's places
    summary = page.locator('[data-testid="stAlert"]').filter(has_text="forholdet mellom ratene").inner_text()
    assert "95 % KI" in summary
    assert page.get_by_text("Bedre belysning ved sykkelparkeringen").count() or page.locator(
        'input[value^="Bedre belysning"]').count()
    assert page.get_by_role("button", name="Last ned (XLSX)").is_visible()
    tab.screenshot("hkh")
