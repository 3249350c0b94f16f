"""Norwegian-first text and number/date formatting (nb, with en as the alternative).

Every sentence the user sees comes from ``MESSAGES`` by key, so a page, the CLI and an error can
say the same thing in the user's language. Numbers and dates follow the locale: 33 636; 27.11.2026.
"""

from __future__ import annotations

import os
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LANGS = ("nb", "en")
_LOCALES = {"nb": "nb_NO", "en": "en_GB"}

MESSAGES: dict[str, dict[str, str]] = {
    # database
    "db.missing": {
        "nb": "Fant ingen database i {path}. Lag demodatabasen med «feltkart demo», eller oppgi en annen med --db.",
        "en": "No database at {path}. Create the demo database with 'feltkart demo', or name another with --db.",
    },
    "db.busy": {
        "nb": "Databasen {path} er opptatt (en annen prosess skriver til den); ga opp etter {seconds} sekunder.",
        "en": "The database {path} is busy (another process is writing to it); gave up after {seconds} seconds.",
    },
    "db.unreadable": {
        "nb": "Kan ikke åpne {path} som Feltkart-database: {reason}",
        "en": "Cannot open {path} as a Feltkart database: {reason}",
    },
    "db.not_feltkart": {
        "nb": "{path} er en DuckDB-fil, men ikke en Feltkart-database.",
        "en": "{path} is a DuckDB file, but not a Feltkart database.",
    },
    "db.too_new": {
        "nb": "Databasen {path} har skjemaversjon {found}, men denne Feltkart-versjonen kan bare {supported}. Oppgrader Feltkart.",
        "en": "The database {path} has schema version {found}; this Feltkart supports up to {supported}. Upgrade Feltkart.",
    },
    "db.needs_migration": {
        "nb": "Databasen {path} har skjemaversjon {found} og må oppgraderes til {supported}; start Feltkart på nytt.",
        "en": "The database {path} has schema version {found} and must be upgraded to {supported}; restart Feltkart.",
    },
    "db.disk_full": {
        "nb": "Disken er full: kunne ikke skrive til {path}. Ingenting ble lagret.",
        "en": "The disk is full: could not write to {path}. Nothing was saved.",
    },
    "db.read_only": {
        "nb": "Databasen {path} er skrivebeskyttet. Ingenting ble lagret.",
        "en": "The database {path} is read-only. Nothing was saved.",
    },
    "db.write_failed": {
        "nb": "Kunne ikke skrive til {path}: {reason}. Ingenting ble lagret.",
        "en": "Could not write to {path}: {reason}. Nothing was saved.",
    },
    "db.empty": {
        "nb": "Databasen {path} har ingen registreringer ennå. Lag demodata med «feltkart demo».",
        "en": "The database {path} has no registrations yet. Create demo data with 'feltkart demo'.",
    },
    # queries and filters
    "query.unknown": {"nb": "Ukjent spørring «{name}».", "en": "Unknown query '{name}'."},
    "query.params": {
        "nb": "Spørringen {name} tar parameterne {expected}, fikk {got}.",
        "en": "Query {name} takes the parameters {expected}, got {got}.",
    },
    "filter.bad_value": {
        "nb": "Ukjent {field}: «{value}». Gyldige verdier: {valid}.",
        "en": "Unknown {field}: '{value}'. Valid values: {valid}.",
    },
    "filter.bad_period": {
        "nb": "Perioden må slutte samme dag som eller etter at den starter (fikk {start}–{end}).",
        "en": "The period must end on or after its start (got {start} to {end}).",
    },
    # reports
    "report.no_data_year": {
        "nb": "Ingen registreringer i {year}; dataene dekker {first}–{last}.",
        "en": "No registrations in {year}; the data covers {first}–{last}.",
    },
    "report.not_broken_down": {"nb": "Ikke fordelt på sted", "en": "Not broken down by place"},
    "report.total": {"nb": "Sum", "en": "Total"},
    "report.place": {"nb": "Sted", "en": "Place"},
    "report.hits": {"nb": "Antall treff", "en": "Hits"},
    "report.title": {"nb": "Kontakt-treff i det oppsøkende arbeidet {year}", "en": "Outreach contact hits {year}"},
    "report.street_school_total": {"nb": "Treff på gata og på skolene i alt", "en": "Street and school hits in all"},
    "report.change_from": {
        "nb": "Endring fra {year} ({before} treff): {change}",
        "en": "Change from {year} ({before} hits): {change}",
    },
    "geodata.invalid": {"nb": "Geodataene er ugyldige: {reason}", "en": "The geodata is invalid: {reason}"},
    "geodata.bad_report_row": {
        "nb": "{path}, linje {line}: ukjent {reason}.",
        "en": "{path}, line {line}: unknown {reason}.",
    },
    # demo
    "demo.progress": {"nb": "Lager demodata: {step}", "en": "Building demo data: {step}"},
    "demo.has_real_data": {
        "nb": "{path} har {batches} importerte filer med ekte registreringer; demo overskriver dem ikke. Bruk --force om du virkelig vil.",
        "en": "{path} holds {batches} imported files of real registrations; demo will not overwrite them. Use --force if you really mean it.",
    },
    "init.created": {"nb": "Laget demodatabasen {path}.", "en": "Created the demo database {path}."},
    "init.ready": {"nb": "Databasen {path} er klar.", "en": "The database {path} is ready."},
    "demo.done": {
        "nb": "Demodatabasen {path} er klar: {rows} registreringer med {hits} treff ({first}–{last}).",
        "en": "The demo database {path} is ready: {rows} registrations with {hits} hits ({first} to {last}).",
    },
}


def default_lang() -> str:
    lang = os.environ.get("FELTKART_LANG", "nb")
    return lang if lang in LANGS else "nb"


def t(key: str, lang: str | None = None, **params) -> str:
    """The message ``key`` in ``lang`` (default: ``FELTKART_LANG`` or nb), with ``params`` filled in."""
    lang = lang if lang in LANGS else default_lang()
    entry = MESSAGES.get(key)
    if entry is None:
        return key + (f" {params}" if params else "")
    return entry[lang].format(**params)


def fmt_int(value: int | float, lang: str = "nb") -> str:
    """33636 -> '33 636' (no-break space) in nb, '33,636' in en."""
    return format_decimal(round(value), locale=_LOCALES[lang])


def fmt_date(value: date, lang: str = "nb") -> str:
    """27.11.2026 in nb, 27/11/2026 in en."""
    return format_date(value, "dd.MM.yyyy" if lang == "nb" else "dd/MM/yyyy", locale=_LOCALES[lang])


def fmt_pct(share: float, lang: str = "nb", signed: bool = True) -> str:
    """0.417 -> '+41,7 %' in nb, '+41.7%' in en."""
    text = format_decimal(abs(share) * 100, format="#,##0.0", locale=_LOCALES[lang])
    sign = ("+" if share > 0 else "−" if share < 0 else "±") if signed else ("−" if share < 0 else "")
    return f"{sign}{text}\u00a0%" if lang == "nb" else f"{sign}{text}%"
