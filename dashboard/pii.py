"""Free text that staff write must not identify a person: one check for every such field.

Trend notes, focus decisions, HKH mappings and action plans, and place names are free text. Staff
are told never to write names of young people, but a national identity number, a phone number
or an e-mail address pasted into a note is just as identifying, and easy to catch. Every write
path calls :func:`check` before it stores text, and a text that holds one is refused with a
message that says what was found and where — without repeating it (the message may reach a log).

* Fødselsnummer and D-nummer (also H-nummer): eleven digits, optionally a space or hyphen after
  the sixth, valid check digits and birth date (``python-stdnum``). A typo'd number with wrong
  check digits is not caught; nor is a number written in words.
* Phone numbers: valid Norwegian numbers (8 digits, with or without +47/0047 and spaces) and
  valid international ones written with +country code (``phonenumbers``, Google's libphonenumber).
  Times, dates, counts, years and postcodes are not phone numbers.
* E-mail addresses: ``name@domain.tld``.

Names cannot be found this way; the forms say so next to the text field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from stdnum.no import fodselsnummer

from dashboard.errors import FeltkartError

KINDS = ("fodselsnummer", "d_nummer", "phone", "email")
_ELEVEN_DIGITS = re.compile(r"(?<![\d])(\d{6})[ \-]?(\d{5})(?![\d])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")


class IdentifierFound(FeltkartError):
    """Free text holds an identifier: says which kind, in which field, at which characters."""

    def __init__(self, field: str, finding: "Finding", more: int):
        super().__init__("pii.found", field=field, kind=finding.kind, start=finding.start + 1, end=finding.end,
                         more=more)

    def message(self, lang: str | None = None) -> str:
        from dashboard import i18n

        p = self.params
        text = i18n.t("pii.found", lang, field=i18n.t(f"pii.field.{p['field']}", lang),
                      kind=i18n.t(f"pii.kind.{p['kind']}", lang), start=p["start"], end=p["end"])
        return text + (" " + i18n.t("pii.more", lang, n=p["more"]) if p["more"] else "")


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # 0-based character offsets into the text
    end: int


def find(text: str) -> list[Finding]:
    """Every identifier in ``text``, in the order they appear (overlaps counted once)."""
    text = text or ""
    found: list[Finding] = []
    for match in _ELEVEN_DIGITS.finditer(text):
        digits = match.group(1) + match.group(2)
        if fodselsnummer.is_valid(digits):
            kind = "d_nummer" if int(digits[0]) >= 4 else "fodselsnummer"
            found.append(Finding(kind, match.start(), match.end()))
    found += [Finding("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for match in phonenumbers.PhoneNumberMatcher(text, "NO", leniency=phonenumbers.Leniency.VALID):
        found.append(Finding("phone", match.start, match.end))
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for finding in found:  # a phone number inside an identity number, an e-mail's digits: the first wins
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def check(field: str, text: str | None) -> None:
    """Refuse ``text`` if it holds an identifier. ``field`` names the field for the message: a key
    of ``pii.field.*`` in :mod:`dashboard.i18n` (e.g. "note_text")."""
    findings = find(text or "")
    if findings:
        raise IdentifierFound(field, findings[0], more=len(findings) - 1)


def check_all(fields: dict[str, str | None]) -> None:
    """:func:`check` each ``{field: text}``, in order."""
    for field, text in fields.items():
        check(field, text)
