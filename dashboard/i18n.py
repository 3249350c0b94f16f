"""Norwegian-first text and number/date formatting (nb, with en as the alternative).

Every sentence the user sees comes from ``MESSAGES`` by key, so a page, the CLI and an error can
say the same thing in the user's language. Numbers and dates follow the locale: 33 636; 27.11.2026.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

LANGS = ("nb", "en")
LOCALES = {"nb": "nb_NO", "en": "en_GB"}

MESSAGES: dict[str, dict[str, str]] = {
    # database
    "db.missing": {
        "nb": "Fant ingen database i {path}. Lag demodatabasen med «feltkart demo», eller oppgi en annen med --db.",
        "en": "No database at {path}. Create the demo database with 'feltkart demo', or name another with --db.",
    },
    "db.busy": {
        "nb": "Databasen {path} er opptatt (noen andre skriver til den eller leser den); ga opp etter {seconds} sekunder. Ingenting ble lagret. Prøv igjen om litt.",
        "en": "The database {path} is busy (someone else is writing or reading it); gave up after {seconds} seconds. Nothing was saved. Try again in a moment.",
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
    "report.year_unfinished": {
        "nb": "Endringen fra {year} vises når året er over (registreringene går til {last}).",
        "en": "The change from {year} is shown when the year is over (the registrations run to {last}).",
    },
    "geodata.invalid": {"nb": "Geodataene er ugyldige: {reason}", "en": "The geodata is invalid: {reason}"},
    "geodata.bad_report_row": {
        "nb": "{path}, linje {line}: ukjent {reason}.",
        "en": "{path}, line {line}: unknown {reason}.",
    },
    # trend notes
    "note.text_required": {"nb": "Skriv en tekst i notatet.", "en": "Write a text in the note."},
    "note.text_too_long": {
        "nb": "Teksten er for lang ({got} tegn; høyst {max}).", "en": "The text is too long ({got} characters; at most {max}).",
    },
    "note.author_required": {"nb": "Oppgi hvem som skriver notatet.", "en": "Say who writes the note."},
    "note.author_too_long": {"nb": "Forfatterfeltet er for langt (høyst {max} tegn).", "en": "The author is too long (at most {max} characters)."},
    "note.bad_period": {
        "nb": "Perioden må slutte samme dag som eller etter at den starter ({start}–{end}).",
        "en": "The period must end on or after its start ({start} to {end}).",
    },
    "note.place_required": {"nb": "Velg et område eller et treffsted.", "en": "Choose an area or a hotspot."},
    "note.unknown_hotspot": {"nb": "Ukjent treffsted «{hotspot}».", "en": "Unknown hotspot '{hotspot}'."},
    "note.unknown_area": {"nb": "Ukjent område «{area}». Gyldige: {valid}.", "en": "Unknown area '{area}'. Valid: {valid}."},
    "note.area_mismatch": {
        "nb": "Treffstedet «{hotspot}» ligger ikke i området «{area}».", "en": "The hotspot '{hotspot}' is not in the area '{area}'.",
    },
    "note.bad_tag": {"nb": "Ukjent stikkord «{tag}». Gyldige: {valid}.", "en": "Unknown tag '{tag}'. Valid: {valid}."},
    "note.not_found": {"nb": "Fant ikke notat nr. {id}.", "en": "Note {id} was not found."},
    "note.conflict": {
        "nb": "Notat nr. {id} ble endret av {author} ({at}) mens du skrev. Endringen din er ikke lagret: "
              "last notatet på nytt, og legg inn teksten din igjen.",
        "en": "Note {id} was changed by {author} ({at}) while you were writing. Your edit was not saved: "
              "reload the note and apply your text again.",
    },
    "note.added": {"nb": "La til notat nr. {id}.", "en": "Added note {id}."},
    # identifiers in free text (dashboard/pii.py): what was found, where, never the text itself
    "pii.found": {
        "nb": "{field} inneholder noe som ser ut som {kind} (tegn {start}–{end}). Feltkart lagrer ikke opplysninger "
              "som kan identifisere en person: fjern det, og lagre på nytt.",
        "en": "{field} holds what looks like {kind} (characters {start}–{end}). Feltkart stores nothing that can "
              "identify a person: remove it and save again.",
    },
    "pii.more": {"nb": "Teksten har {n} slike til.", "en": "The text holds {n} more."},
    "pii.kind.fodselsnummer": {"nb": "et fødselsnummer", "en": "a national identity number (fødselsnummer)"},
    "pii.kind.d_nummer": {"nb": "et D-nummer", "en": "a D number (Norwegian identity number)"},
    "pii.kind.phone": {"nb": "et telefonnummer", "en": "a phone number"},
    "pii.kind.email": {"nb": "en e-postadresse", "en": "an e-mail address"},
    "pii.field.note_text": {"nb": "Notatteksten", "en": "The note text"},
    "pii.field.note_author": {"nb": "Forfatterfeltet", "en": "The author field"},
    "pii.field.focus_rationale": {"nb": "Begrunnelsen", "en": "The rationale"},
    "pii.field.focus_decided_by": {"nb": "Feltet «besluttet av»", "en": "The 'decided by' field"},
    "pii.field.hkh_title": {"nb": "Tittelen", "en": "The title"},
    "pii.field.hkh_measure": {"nb": "Tiltaket", "en": "The measure"},
    "pii.field.hkh_owner": {"nb": "Feltet «eier»", "en": "The 'owner' field"},
    "pii.field.hkh_notes": {"nb": "Merknaden", "en": "The notes"},
    "pii.field.place_name": {"nb": "Stedsnavnet", "en": "The place name"},
    "pii.field.place_source": {"nb": "Kildefeltet", "en": "The source field"},
    "cli.point_required": {
        "nb": "Oppgi et punkt: --lat og --lon (WGS84) eller --north og --east (UTM 33).",
        "en": "Give a point: --lat and --lon (WGS84) or --north and --east (UTM 33).",
    },
    "cli.wrote": {"nb": "Skrev {path} ({bytes} byte).", "en": "Wrote {path} ({bytes} bytes)."},
    "cli.bad_period": {"nb": "Ugyldig periode «{value}»: bruk ÅÅÅÅ-MM-DD..ÅÅÅÅ-MM-DD.", "en": "Invalid period '{value}': use YYYY-MM-DD..YYYY-MM-DD."},
    "cli.bad_weights": {"nb": "Ugyldige vekter «{value}»: bruk navn=tall,navn=tall.", "en": "Invalid weights '{value}': use name=number,name=number."},
    "cli.bad_suffix": {"nb": "{path}: filtypen må være en av {valid}.", "en": "{path}: the file type must be one of {valid}."},
    "cli.bad_date": {"nb": "Ugyldig dato «{value}»: bruk ÅÅÅÅ-MM-DD.", "en": "Invalid date '{value}': use YYYY-MM-DD."},
    # places and geodata
    "place.outside_areas": {
        "nb": "Punktet ({lat}, {lon}) ligger ikke i noe område.", "en": "The point ({lat}, {lon}) lies in no area.",
    },
    "place.unknown_area": {"nb": "Ukjent område «{area}».", "en": "Unknown area '{area}'."},
    "place.not_in_area": {
        "nb": "Punktet ligger i området «{found}», ikke i «{area}».", "en": "The point lies in the area '{found}', not in '{area}'.",
    },
    "place.unknown_hotspot": {"nb": "Ukjent treffsted «{hotspot}».", "en": "Unknown hotspot '{hotspot}'."},
    "place.unknown_kind": {"nb": "Ukjent stedstype «{kind}». Gyldige: {valid}.", "en": "Unknown place type '{kind}'. Valid: {valid}."},
    "place.name_required": {"nb": "Treffstedet må ha et navn.", "en": "The hotspot needs a name."},
    "place.added": {"nb": "La til treffstedet {id}.", "en": "Added the hotspot {id}."},
    "place.saved": {"nb": "Lagret treffstedet {id}.", "en": "Saved the hotspot {id}."},
    "geodata.mixed": {
        "nb": "{path} blander geometrityper ({kinds}); bruk én fil for områder (flater) og én for treffsteder (punkter).",
        "en": "{path} mixes geometry types ({kinds}); use one file of areas (polygons) and one of hotspots (points).",
    },
    "geodata.no_field": {
        "nb": "{path} har ingen egenskap «{field}». Egenskaper i fila: {fields}. Oppgi hvilken som er id og navn (--id-field, --name-field).",
        "en": "{path} has no property '{field}'. Properties in the file: {fields}. Say which is the id and the name (--id-field, --name-field).",
    },
    "geodata.too_large": {"nb": "{path} er større enn {mb} MB.", "en": "{path} is larger than {mb} MB."},
    "geodata.in_use": {
        "nb": "{path}: kan ikke fjerne {ids}: {count} registreringer, notater eller treffsteder viser til dem. "
              "Pensjoner treffsteder i stedet, eller importer uten --replace.",
        "en": "{path}: cannot remove {ids}: {count} registrations, notes or hotspots refer to them. "
              "Retire hotspots instead, or import without --replace.",
    },
    "geodata.hotspots_outside": {
        "nb": "{path}: {count} treffsteder ville havnet utenfor sitt område ({ids}). Flytt dem eller endre områdene.",
        "en": "{path}: {count} hotspots would fall outside their area ({ids}). Move them or change the areas.",
    },
    "geodata.changes": {
        "nb": "{layer}: {added} nye, {removed} fjernet, {renamed} nytt navn, {moved} flyttet, {reclassified} endret type/område, {unchanged} uendret, {kept} beholdt (ikke i fila).",
        "en": "{layer}: {added} added, {removed} removed, {renamed} renamed, {moved} moved, {reclassified} re-classified, {unchanged} unchanged, {kept} kept (not in the file).",
    },
    # focus suggestions and decisions
    "focus.bad_weights": {"nb": "Ukjent vekt eller verdi utenfor 0–10. Vektene heter: {valid}.", "en": "Unknown weight or a value outside 0–10. The weights are: {valid}."},
    "focus.reason.level": {
        "nb": "Mange treff: {hits} i basisperioden ({share} av gatetreffene){where}.",
        "en": "Many hits: {hits} in the basis period ({share} of street hits){where}.",
    },
    "focus.reason.where": {"nb": ", flest ved {place} ({hits})", "en": ", most at {place} ({hits})"},
    "focus.reason.rise": {
        "nb": "Tydelig økning: fra {before} til {now} treff ({change}, p {p}).",
        "en": "Clear rise: from {before} to {now} hits ({change}, p {p}).",
    },
    "focus.reason.risk": {
        "nb": "{n} trendnotat(er) om rus, alkohol, vold eller kriminalitet i området.",
        "en": "{n} trend note(s) about drugs, alcohol, violence or crime in the area.",
    },
    "focus.reason.coverage": {
        "nb": "Mye å gjøre per team: {rate} treff per planlagt teamtime ({teams} team planlagt i snitt).",
        "en": "Much to do per team: {rate} hits per planned team-hour ({teams} teams planned on average).",
    },
    "focus.reason.no_teams": {"nb": "Ingen team planlagt i dette tidsrommet.", "en": "No team planned in this time window."},
    "focus.reason.young_late": {
        "nb": "Mange under 16 år sent på kvelden ({share} av treffene).",
        "en": "Many under 16 late in the evening ({share} of the hits).",
    },
    "focus.decision_not_found": {"nb": "Fant ikke beslutning nr. {id}.", "en": "Decision {id} was not found."},
    "focus.title": {"nb": "Fokusområder", "en": "Focus areas"},
    "focus.period": {"nb": "Perioden som planlegges", "en": "The period being planned"},
    "focus.basis": {
        "nb": "Forslagene bygger på gatefeltet {start}–{end} (de 12 ukene før perioden, så langt det finnes data) "
              "og like mange dager før det.",
        "en": "The suggestions rest on street work {start}–{end} (the 12 weeks before the period, as far as there is "
              "data) and as many days before that.",
    },
    "focus.weights": {"nb": "Vekter (hva som teller mest)", "en": "Weights (what counts most)"},
    "focus.weight.level": {"nb": "Mange treff", "en": "Many hits"},
    "focus.weight.rise": {"nb": "Tydelig økning", "en": "Clear rise"},
    "focus.weight.risk": {"nb": "Risikonotater (rus, vold, kriminalitet)", "en": "Risk notes (drugs, violence, crime)"},
    "focus.weight.coverage": {"nb": "Mye å gjøre per team", "en": "Much to do per team"},
    "focus.weight.young_late": {"nb": "Mange under 16 sent", "en": "Many under 16 late"},
    "focus.suggestions": {"nb": "Forslag", "en": "Suggestions"},
    "focus.score": {"nb": "poeng", "en": "points"},
    "focus.no_suggestions": {"nb": "Ingen forslag: for få treff i basisperioden.", "en": "No suggestions: too few hits in the basis period."},
    "focus.decide": {"nb": "Møtets beslutning", "en": "The meeting's decision"},
    "focus.choose": {"nb": "Valgte fokusområder", "en": "Chosen focus areas"},
    "focus.decided_by": {"nb": "Bestemt av", "en": "Decided by"},
    "focus.rationale": {"nb": "Begrunnelse", "en": "Rationale"},
    "focus.save": {"nb": "Lagre beslutningen", "en": "Save the decision"},
    "focus.saved": {"nb": "Lagret beslutning nr. {id}.", "en": "Saved decision {id}."},
    "focus.decisions": {"nb": "Tidligere beslutninger og oppfølging", "en": "Earlier decisions and follow-up"},
    "focus.no_decisions": {"nb": "Ingen beslutninger ennå.", "en": "No decisions yet."},
    "focus.followup_help": {
        "nb": "Treff i fokusområdet i beslutningsperioden mot like mange dager rett før (rateforhold med 95 % KI).",
        "en": "Hits in the focus area during the decision's period against as many days just before (rate ratio with 95% CI).",
    },
    "focus.who_required": {"nb": "Oppgi hvem som bestemte.", "en": "Say who decided."},
    "focus.rationale_required": {"nb": "Skriv en begrunnelse.", "en": "Write a rationale."},
    "focus.items_required": {"nb": "Velg minst ett fokusområde.", "en": "Choose at least one focus area."},
    # HKH follow-up
    "nav.hkh": {"nb": "HKH-oppfølging", "en": "HKH follow-up"},
    "nav.fokus": {"nb": "Fokusområder", "en": "Focus areas"},
    "hkh.new": {"nb": "Ny kartlegging", "en": "New mapping"},
    "hkh.title": {"nb": "Navn", "en": "Title"},
    "hkh.mapped_on": {"nb": "Dato for kartleggingen", "en": "Date of the mapping"},
    "hkh.places": {"nb": "Steder kartleggingen gjaldt", "en": "Places the mapping covered"},
    "hkh.create": {"nb": "Lagre kartleggingen", "en": "Save the mapping"},
    "hkh.bad_periods": {"nb": "Velg både start og slutt for begge periodene.", "en": "Choose both start and end of both periods."},
    "hkh.mapping": {"nb": "Kartlegging", "en": "Mapping"},
    "hkh.timeline": {"nb": "Trendnotater i begge periodene", "en": "Trend notes of both periods"},
    "hkh.saved": {"nb": "Lagret.", "en": "Saved."},
    "hkh.add_action": {"nb": "Legg til tiltak", "en": "Add a measure"},
    "hkh.export": {"nb": "Last ned (XLSX)", "en": "Download (XLSX)"},
    "hkh.no_places": {"nb": "Velg minst ett treffsted.", "en": "Choose at least one hotspot."},
    "hkh.title_required": {"nb": "Gi kartleggingen et navn.", "en": "Give the mapping a title."},
    "hkh.measure_required": {"nb": "Beskriv tiltaket.", "en": "Describe the measure."},
    "hkh.owner_required": {"nb": "Oppgi hvem som eier tiltaket.", "en": "Say who owns the measure."},
    "hkh.bad_status": {"nb": "Ukjent status «{status}». Gyldige: {valid}.", "en": "Unknown status '{status}'. Valid: {valid}."},
    "hkh.action_not_found": {"nb": "Fant ikke tiltak nr. {id}.", "en": "Measure {id} was not found."},
    "hkh.mapping_not_found": {"nb": "Fant ikke kartlegging nr. {id}.", "en": "Mapping {id} was not found."},
    "hkh.action_conflict": {
        "nb": "Tiltak nr. {id} ble endret av noen andre mens du skrev. Endringen din er ikke lagret; last siden på nytt.",
        "en": "Measure {id} was changed by someone else while you were writing. Your edit was not saved; reload the page.",
    },
    "hkh.per_team_hour": {"nb": "per teamtime", "en": "per team-hour"},
    "hkh.per_day": {"nb": "per dag", "en": "per day"},
    "hkh.summary": {
        "nb": "Fra {before} til {after} treff; forholdet mellom ratene {unit} er {ratio} (95 % KI {lo}–{hi}, p {p}): {verdict}.",
        "en": "From {before} to {after} hits; the ratio of the rates {unit} is {ratio} (95% CI {lo}–{hi}, p {p}): {verdict}.",
    },
    "hkh.clear": {"nb": "en tydelig endring", "en": "a clear change"},
    "hkh.unclear": {"nb": "ingen tydelig endring", "en": "no clear change"},
    "hkh.baseline": {"nb": "Før (baseline)", "en": "Before (baseline)"},
    "hkh.followup": {"nb": "Etter (oppfølging)", "en": "After (follow-up)"},
    "hkh.col.item": {"nb": "Post", "en": "Item"},
    "hkh.col.period": {"nb": "Periode", "en": "Period"},
    "hkh.col.team_hours": {"nb": "Teamtimer i områdene", "en": "Team-hours in the areas"},
    "hkh.col.days": {"nb": "Dager", "en": "Days"},
    "hkh.col.ratio": {"nb": "Rateforhold etter/før", "en": "Rate ratio after/before"},
    "hkh.col.ci_low": {"nb": "95 % KI, nedre", "en": "95% CI, lower"},
    "hkh.col.ci_high": {"nb": "95 % KI, øvre", "en": "95% CI, upper"},
    "hkh.col.value": {"nb": "Verdi", "en": "Value"},
    "hkh.col.note": {"nb": "Merknad", "en": "Note"},
    "hkh.no_data": {"nb": "ingen data", "en": "no data"},
    "hkh.col.group": {"nb": "Gruppe", "en": "Group"},
    "hkh.col.measure": {"nb": "Tiltak", "en": "Measure"},
    "hkh.col.owner": {"nb": "Eier", "en": "Owner"},
    "hkh.col.status": {"nb": "Status", "en": "Status"},
    "hkh.col.notes": {"nb": "Merknader", "en": "Notes"},
    "hkh.sheet.summary": {"nb": "Sammenligning", "en": "Comparison"},
    "hkh.sheet.mix": {"nb": "Alder og kjønn", "en": "Age and gender"},
    "hkh.sheet.actions": {"nb": "Tiltaksplan", "en": "Action plan"},
    "hkh.sheet.notes": {"nb": "Trendnotater", "en": "Trend notes"},
    # annual report page
    "nav.arsrapport": {"nb": "Årsrapport", "en": "Annual report"},
    "annual.title": {"nb": "Årsrapport", "en": "Annual report"},
    "annual.docx": {"nb": "Last ned som Word (.docx)", "en": "Download as Word (.docx)"},
    "annual.xlsx": {"nb": "Last ned som Excel (.xlsx)", "en": "Download as Excel (.xlsx)"},
    "report.followup_figures": {"nb": "Oppfølging og grupper", "en": "Follow-up and groups"},
    "report.followup_services": {"nb": "Samarbeid per tjeneste", "en": "Collaboration by service"},
    "table.group": {"nb": "Gruppe", "en": "Group"},
    # presentation
    "nav.presentasjon": {"nb": "Presentasjon", "en": "Presentation"},
    "present.threshold": {"nb": "Skjul tall under", "en": "Hide counts below"},
    "present.areas_only": {"nb": "Bare områder (ikke enkeltsteder)", "en": "Areas only (no single places)"},
    "present.previous": {"nb": "← Forrige", "en": "← Previous"},
    "present.next": {"nb": "Neste →", "en": "Next →"},
    "present.position": {"nb": "Side {n} av {total} (piltastene blar)", "en": "Page {n} of {total} (arrow keys turn pages)"},
    "present.pptx": {"nb": "Last ned som PowerPoint", "en": "Download as PowerPoint"},
    "present.pdf": {"nb": "Last ned som PDF", "en": "Download as PDF"},
    # access
    "signin.please": {
        "nb": "Feltkart inneholder opplysninger om hvor ungdom samles. Logg inn med kommunens brukerkonto.",
        "en": "Feltkart holds information about where young people gather. Sign in with your municipal account.",
    },
    "signin.login": {"nb": "Logg inn", "en": "Sign in"},
    "signin.logout": {"nb": "Logg ut", "en": "Sign out"},
    "signin.no_access": {
        "nb": "{email} har ikke tilgang til Feltkart. Be en administrator om tilgang.",
        "en": "{email} has no access to Feltkart. Ask an administrator for access.",
    },
    "signin.as": {"nb": "Innlogget som {email} ({role})", "en": "Signed in as {email} ({role})"},
    "signin.local": {
        "nb": "Uten innlogging: appen er bare tilgjengelig på denne maskinen.",
        "en": "No sign-in: the app is only reachable on this machine.",
    },
    "signin.demo": {
        "nb": "Demo uten innlogging: bare demodata kan vises på en åpen adresse.",
        "en": "Demo without sign-in: only demo data may be shown on an open address.",
    },
    "signin.refused": {
        "nb": "Denne databasen har ekte registreringer, og innlogging er ikke satt opp. Feltkart viser dem bare "
              "på en lokal adresse (--server.address 127.0.0.1) eller med innlogging (se «Drift» i README).",
        "en": "This database holds real registrations and sign-in is not configured. Feltkart shows them only "
              "on a local address (--server.address 127.0.0.1) or with sign-in (see 'Drift' in the README).",
    },
    "access.denied": {
        "nb": "Du har ikke tilgang til dette: det krever rollen {needed}, og du har rollen {have}.",
        "en": "You may not do this: it needs the role {needed}, and you have the role {have}.",
    },
    # demo
    "demo.progress": {"nb": "Lager demodata: {step}", "en": "Building demo data: {step}"},
    "demo.has_real_data": {
        "nb": "{path} har {batches} importerte filer med ekte registreringer; demo overskriver dem ikke. Bruk --force om du virkelig vil.",
        "en": "{path} holds {batches} imported files of real registrations; demo will not overwrite them. Use --force if you really mean it.",
    },
    "init.created": {"nb": "Laget demodatabasen {path}.", "en": "Created the demo database {path}."},
    "init.created_empty": {
        "nb": "Laget en tom database {path}. Neste: feltkart geodata import (områder, så treffsteder), så feltkart import.",
        "en": "Created an empty database {path}. Next: feltkart geodata import (areas, then hotspots), then feltkart import.",
    },
    "init.ready": {"nb": "Databasen {path} er klar.", "en": "The database {path} is ready."},
    "demo.no_data": {
        "nb": "Ingen demodata før {until}: demodataene begynner i {first}. Ingenting ble endret.",
        "en": "No demo data before {until}: the demo data starts in {first}. Nothing was changed.",
    },
    "cli.bad_datetime": {
        "nb": "Ugyldig tidspunkt «{value}»: bruk ÅÅÅÅ-MM-DDTTT:MM.", "en": "Invalid time '{value}': use YYYY-MM-DDTHH:MM.",
    },
    "demo.done": {
        "nb": "Demodatabasen {path} er klar: {rows} registreringer med {hits} treff ({first}–{last}).",
        "en": "The demo database {path} is ready: {rows} registrations with {hits} hits ({first} to {last}).",
    },
}

# Texts of the dashboard's pages and sidebar.
MESSAGES.update({
    "app.title": {"nb": "Feltkart", "en": "Feltkart"},
    "app.preparing": {"nb": "Gjør klar databasen …", "en": "Preparing the database …"},
    "nav.oversikt": {"nb": "Oversikt", "en": "Overview"},
    "nav.kart": {"nb": "Kart", "en": "Map"},
    "nav.tid": {"nb": "Tid", "en": "Time"},
    "nav.trender": {"nb": "Trender", "en": "Trends"},
    "filter.heading": {"nb": "Utvalg", "en": "Selection"},
    "filter.period": {"nb": "Periode", "en": "Period"},
    "filter.from": {"nb": "Fra", "en": "From"},
    "filter.to": {"nb": "Til", "en": "To"},
    "filter.compare": {"nb": "Sammenlign med", "en": "Compare with"},
    "filter.area": {"nb": "Område", "en": "Area"},
    "filter.kind": {"nb": "Stedstype", "en": "Place type"},
    "filter.age": {"nb": "Aldersgruppe", "en": "Age group"},
    "filter.gender": {"nb": "Kjønn", "en": "Gender"},
    "filter.channel": {"nb": "Kanal", "en": "Channel"},
    "filter.all": {"nb": "Alle", "en": "All"},
    "filter.language": {"nb": "Språk / Language", "en": "Språk / Language"},
    "filter.reset": {"nb": "Nullstill utvalget", "en": "Reset the selection"},
    "filter.share": {
        "nb": "Adressen i nettleseren viser utvalget: kopier den for å dele visningen.",
        "en": "The browser's address holds the selection: copy it to share this view.",
    },
    "preset.this_year": {"nb": "I år", "en": "This year"},
    "preset.last_year": {"nb": "I fjor", "en": "Last year"},
    "preset.last_12_months": {"nb": "Siste 12 måneder", "en": "Last 12 months"},
    "preset.summer": {"nb": "Sommer", "en": "Summer"},
    "preset.school_year": {"nb": "Skoleår", "en": "School year"},
    "preset.custom": {"nb": "Egendefinert fra–til", "en": "Custom from–to"},
    "url.ignored": {
        "nb": "Ignorerte ugyldig verdi i lenken: {param}={value}",
        "en": "Ignored an invalid value in the link: {param}={value}",
    },
    "period.label": {"nb": "{start}–{end}", "en": "{start} to {end}"},
    "period.compare_label": {"nb": "sammenlignet med {start}–{end}", "en": "compared with {start} to {end}"},
    "period.no_compare": {"nb": "uten sammenligning", "en": "without comparison"},
    "period.clipped": {
        "nb": "(registreringene går til {last}: endringen gjelder {start}–{end})",
        "en": "(the registrations run to {last}: the change covers {start} to {end})",
    },
    "change.rise": {"nb": "tydelig økning", "en": "clear rise"},
    "change.fall": {"nb": "tydelig nedgang", "en": "clear fall"},
    "change.none": {"nb": "ingen tydelig endring", "en": "no clear change"},
    "change.new": {"nb": "nytt i perioden", "en": "new in the period"},
    # no change without data on both sides (dashboard/comparison.py)
    "change.no_data": {"nb": "ingen data i sammenligningsperioden", "en": "no data in the comparison period"},
    "change.partial": {"nb": "data bare i deler av sammenligningsperioden",
                       "en": "data in only part of the comparison period"},
    "change.no_current_data": {"nb": "ingen data i perioden", "en": "no data in the period"},
    "compare.span": {"nb": "registreringene går fra {first} til {last}", "en": "the registrations run from {first} to {last}"},
    "compare.span_empty": {"nb": "databasen har ingen registreringer", "en": "the database has no registrations"},
    "compare.note.no_data": {
        "nb": "Ingen endring vises: ingen data i sammenligningsperioden {comparison} ({span}).",
        "en": "No change is shown: no data in the comparison period {comparison} ({span}).",
    },
    "compare.note.partial": {
        "nb": "Ingen endring vises: data bare i deler av sammenligningsperioden {comparison} ({span}). "
              "Velg perioder med data på begge sider.",
        "en": "No change is shown: data in only part of the comparison period {comparison} ({span}). "
              "Choose periods with data on both sides.",
    },
    "compare.note.no_current_data": {
        "nb": "Ingen endring vises: ingen data i perioden {period} ({span}).",
        "en": "No change is shown: no data in the period {period} ({span}).",
    },
    "compare.note.clipped": {
        "nb": "Endringen gjelder dagene med data, {period}, mot {comparison} ({span}).",
        "en": "The change covers the days with data, {period}, against {comparison} ({span}).",
    },
    "common.choose": {"nb": "Velg …", "en": "Choose …"},
    "common.hits": {"nb": "Treff", "en": "Hits"},
    "common.show_table": {"nb": "Vis tallene som tabell", "en": "Show the numbers as a table"},
    "common.no_data": {"nb": "Ingen registreringer i utvalget.", "en": "No registrations in the selection."},
    "overview.title": {"nb": "Oversikt", "en": "Overview"},
    "overview.kpi.hits": {"nb": "Kontakt-treff", "en": "Contact hits"},
    "overview.kpi.active_hotspots": {"nb": "Aktive treffsteder", "en": "Active hotspots"},
    "overview.kpi.share_13_15": {"nb": "Andel 13–15 år", "en": "Share aged 13–15"},
    "overview.kpi.hits_online": {"nb": "Treff på nett og sosiale medier", "en": "Hits online and on social media"},
    "overview.kpi.help.hits": {
        "nb": "Antall ungdommer møtt (summen av registrerte treff) i utvalget.",
        "en": "Young people met (the sum of registered hits) in the selection.",
    },
    "overview.kpi.help.active_hotspots": {
        "nb": "Treffsteder med minst ett treff i perioden.",
        "en": "Hotspots with at least one hit in the period.",
    },
    "overview.kpi.help.share_13_15": {
        "nb": "Andel av treffene med kjent alder som var 13–15 år.",
        "en": "Share of the hits with a known age that were aged 13–15.",
    },
    "overview.kpi.help.hits_online": {
        "nb": "Treff i oppsøkende arbeid på internett og i sosiale medier.",
        "en": "Hits in outreach on the internet and on social media.",
    },
    "overview.kpi_summary": {
        "nb": "I perioden møtte teamene {hits} ungdommer på {places} treffsteder{change}.",
        "en": "In the period the teams met {hits} young people at {places} hotspots{change}.",
    },
    "overview.kpi_change": {"nb": " ({delta} mot sammenligningsperioden)", "en": " ({delta} against the comparison period)"},
    "overview.map": {"nb": "Kart over treffstedene", "en": "Map of the hotspots"},
    "overview.top": {"nb": "De ti største treffstedene", "en": "The ten busiest hotspots"},
    "overview.notes": {"nb": "Siste trendnotater", "en": "Latest trend notes"},
    "overview.no_notes": {"nb": "Ingen trendnotater for utvalget.", "en": "No trend notes for the selection."},
    "overview.more_on_map": {"nb": "Se hele kartet", "en": "Open the full map"},
    "trends.title": {"nb": "Trender", "en": "Trends"},
    "trends.by": {"nb": "Vis per", "en": "Show by"},
    "trends.by.area_id": {"nb": "Område", "en": "Area"},
    "trends.by.hotspot_id": {"nb": "Treffsted", "en": "Hotspot"},
    "trends.places": {"nb": "Steder i grafen", "en": "Places in the chart"},
    "trends.changes": {"nb": "Størst økning og nedgang", "en": "Largest rises and falls"},
    "trends.risers": {"nb": "Tydelig økning", "en": "Clear rises"},
    "trends.fallers": {"nb": "Tydelig nedgang", "en": "Clear falls"},
    "trends.none_significant": {"nb": "Ingen tydelige endringer.", "en": "No clear changes."},
    "trends.none_compared": {"nb": "Ingen endringer er vurdert: {reason}.", "en": "No changes are judged: {reason}."},
    "trends.no_comparison": {
        "nb": "Velg en sammenligningsperiode i menyen for å se endringer.",
        "en": "Choose a comparison period in the sidebar to see changes.",
    },
    "trends.changes_help": {
        "nb": "Rangert etter hvor sikker endringen er (eksakt Poisson-test, p < 0,05), ikke etter prosent: "
              "små tall svinger mye av tilfeldigheter.",
        "en": "Ranked by how certain the change is (exact Poisson test, p < 0.05), not by percent: "
              "small counts swing a lot by chance.",
    },
    "trends.hotspots": {"nb": "Statistiske hot spots (Gi*)", "en": "Statistical hot spots (Gi*)"},
    "trends.hotspots_help": {
        "nb": "Ruter på 500 × 500 m der ruten og naboene har flere (varmt) eller færre (kaldt) registreringer enn "
              "tilfeldig (Getis-Ord Gi*, korrigert for mange tester med Benjamini–Hochberg). Tallet n i ruten er "
              "rutens egne treff: et varmt punkt kan ha få treff selv om naboene har mange.",
        "en": "500 × 500 m cells where the cell and its neighbours hold more (hot) or fewer (cold) registrations than "
              "chance (Getis-Ord Gi*, corrected for many tests with Benjamini–Hochberg). The number n is the cell's "
              "own hits: a hot cell may hold few hits when its neighbours hold many.",
    },
    "trends.hotspots_mode": {"nb": "Vis", "en": "Show"},
    "trends.hotspots_mode.off": {"nb": "Skjul", "en": "Hide"},
    "trends.hotspots_mode.period": {"nb": "Hot spots i perioden", "en": "Hot spots in the period"},
    "trends.hotspots_mode.emerging": {
        "nb": "Nye og endrede mønstre (Gi* per kvartal, Mann–Kendall-trend, siste 8 kvartaler)",
        "en": "Emerging patterns (Gi* per quarter, Mann–Kendall trend, last 8 quarters)",
    },
    "trends.computing": {"nb": "Regner …", "en": "Computing …"},
    "trends.emerging_too_short": {
        "nb": "For få hele kvartaler med data før periodens slutt til å se mønstre over tid (minst to trengs).",
        "en": "Too few whole quarters with data before the end of the period to see patterns over time (two are needed).",
    },
    "grid.class": {"nb": "Klasse", "en": "Class"},
    "grid.centre": {"nb": "Midtpunkt (bredde, lengde)", "en": "Centre (lat, lon)"},
    "grid.history": {"nb": "Historikk (H = varmt, C = kaldt)", "en": "History (H = hot, C = cold)"},
    "grid.p_adjusted": {"nb": "p (korrigert)", "en": "p (adjusted)"},
    "trends.yoy": {"nb": "År mot år", "en": "Year over year"},
    "trends.notes": {"nb": "Trendnotater", "en": "Trend notes"},
    "trends.show_archived": {"nb": "Vis arkiverte", "en": "Show archived"},
    "note.add": {"nb": "Nytt notat", "en": "New note"},
    "note.edit": {"nb": "Endre eller arkiver", "en": "Edit or archive"},
    "note.choose": {"nb": "Notat", "en": "Note"},
    "note.form.text": {"nb": "Hva har dere sett?", "en": "What have you observed?"},
    "note.form.no_names": {
        "nb": "Skriv aldri navn eller andre kjennetegn på ungdommer.", "en": "Never write names or other identifying details of young people.",
    },
    "note.form.hotspot": {"nb": "Treffsted (valgfritt)", "en": "Hotspot (optional)"},
    "note.form.shareable": {"nb": "Kan deles", "en": "Shareable"},
    "note.form.shareable_help": {
        "nb": "Notatet kan vises for samarbeidspartnere, f.eks. i SLT.", "en": "The note may be shown to partners, e.g. in SLT.",
    },
    "note.form.save": {"nb": "Lagre notat", "en": "Save note"},
    "note.saved": {"nb": "Lagret notat nr. {id}.", "en": "Saved note {id}."},
    "note.archive": {"nb": "Arkiver notatet", "en": "Archive the note"},
    "note.restore": {"nb": "Hent notatet fram igjen", "en": "Restore the note"},
    "note.archived": {"nb": "arkivert", "en": "archived"},
    "trends.more_notes": {"nb": "… og {n} eldre notater (velg en kortere periode).", "en": "… and {n} older notes (choose a shorter period)."},
    "note.reload": {"nb": "Last notatet på nytt", "en": "Reload the note"},
    "time.title": {"nb": "Tid", "en": "Time"},
    "time.day_type": {"nb": "Dager", "en": "Days"},
    "time.day_type.all": {"nb": "Alle dager", "en": "All days"},
    "time.day_type.school": {"nb": "Skoledager", "en": "School days"},
    "time.day_type.free": {"nb": "Helg, ferie og helligdager", "en": "Weekends and holidays"},
    "time.weekdays": {"nb": "Ukedager", "en": "Weekdays"},
    "time.from_hour": {"nb": "Fra kl.", "en": "From"},
    "time.to_hour": {"nb": "Til kl.", "en": "To"},
    "time.weekday_hour": {"nb": "Ukedag og klokkeslett", "en": "Weekday and hour"},
    "time.plan_help": {
        "nb": "Tallene i rutene er planlagte feltteam i bemanningsplanen (snitt av min. og maks., sommer og vinter "
              "vektet etter perioden). Rammene viser timer med team ute; pekeren viser treff per planlagt teamtime.",
        "en": "The numbers in the cells are field teams planned in the staffing plan (mean of min and max, summer and "
              "winter weighted by the period). Outlines show hours with teams out; hover shows hits per planned team-hour.",
    },
    "time.narrowed": {
        "nb": "Visningene under gjelder bare valgte ukedager og timer.",
        "en": "The views below only cover the chosen weekdays and hours.",
    },
    "time.month_hour": {"nb": "Måned og klokkeslett", "en": "Month and hour"},
    "time.month_weekday": {"nb": "Måned og ukedag", "en": "Month and weekday"},
    "time.places_in_window": {"nb": "Treffsteder i det valgte tidsrommet", "en": "Hotspots in the chosen time window"},
    "map.title": {"nb": "Kart", "en": "Map"},
    "map.basemap": {"nb": "Bakgrunnskart", "en": "Base map"},
    "map.basemap.kartverket": {"nb": "Kartverket gråtone", "en": "Kartverket grey"},
    "map.basemap.osm": {"nb": "OpenStreetMap", "en": "OpenStreetMap"},
    "map.basemap.none": {"nb": "Ingen (bare områdene)", "en": "None (areas only)"},
    "map.area_metric": {"nb": "Områdefarge", "en": "Area colour"},
    "map.area_metric.hits": {"nb": "Treff", "en": "Hits"},
    "map.area_metric.change": {"nb": "Endring", "en": "Change"},
    "map.density": {"nb": "Tetthet (frie punkter)", "en": "Density (free points)"},
    "map.show_density": {"nb": "Vis tetthet for registreringer med egne koordinater", "en": "Show density of registrations with their own coordinates"},
    "map.click_help": {"nb": "Klikk på et treffsted for å se detaljer under kartet.", "en": "Click a hotspot to see its details below the map."},
    "map.details": {"nb": "Detaljer: {name}", "en": "Details: {name}"},
    "map.clear": {"nb": "Fjern valget", "en": "Clear the selection"},
    "map.table": {"nb": "Treffstedene i tall", "en": "The hotspots in numbers"},
    "map.show_table": {"nb": "Vis tallene som tabell", "en": "Show the figures as a table"},
    "map.summary": {
        "nb": "{n} treffsteder hadde treff; {rises} med tydelig økning og {falls} med tydelig nedgang.",
        "en": "{n} hotspots had hits; {rises} with a clear rise and {falls} with a clear fall.",
    },
    "map.summary_uncompared": {
        "nb": "{n} treffsteder hadde treff; ingen endring er vurdert ({reason}).",
        "en": "{n} hotspots had hits; no change is judged ({reason}).",
    },
    "map.approximate_note": {
        "nb": "Steder med stiplet kant har omtrentlig plassering.", "en": "Places with a dashed outline have an approximate location.",
    },
    "table.busiest": {"nb": "Travlest", "en": "Busiest"},
    "table.age_mix": {"nb": "Alder", "en": "Age"},
    "nav.data": {"nb": "Data", "en": "Data"},
    "data.title": {"nb": "Data", "en": "Data"},
    "data.tab.import": {"nb": "Importer registreringer", "en": "Import registrations"},
    "data.tab.history": {"nb": "Importhistorikk", "en": "Import history"},
    "data.tab.places": {"nb": "Steder", "en": "Places"},
    "data.tab.export": {"nb": "Eksport", "en": "Export"},
    "data.tab.log": {"nb": "Logg", "en": "Log"},
    "data.import.help": {
        "nb": "CSV eller Excel (XLSX) fra fagsystemet eller tellelister: én rad per telling (dato, klokkeslett, sted, kanal, "
              "aldersgruppe, kjønn, antall) eller én rad per besøk med tellekolonner som «gutter 13-15». Du ser en "
              "forhåndsvisning og en feilrapport før noe lagres. Fritekstkolonner importeres aldri.",
        "en": "CSV or Excel (XLSX) from the case system or tally sheets: one row per tally (date, time, place, channel, "
              "age band, gender, count) or one row per visit with count columns such as 'gutter 13-15'. You see a "
              "preview and an error report before anything is saved. Free-text columns are never imported.",
    },
    "data.import.file": {"nb": "Fil", "en": "File"},
    "data.import.reading": {"nb": "Leser fila …", "en": "Reading the file …"},
    "data.import.read": {"nb": "Rader lest", "en": "Rows read"},
    "data.import.valid": {"nb": "Gyldige tellinger", "en": "Valid tallies"},
    "data.import.rejected": {"nb": "Avviste rader", "en": "Rejected rows"},
    "data.import.duplicate": {"nb": "Allerede importert", "en": "Already imported"},
    "data.import.errors": {"nb": "Feil per rad", "en": "Errors by row"},
    "data.import.preview": {"nb": "Forhåndsvisning", "en": "Preview"},
    "data.import.strict": {"nb": "Avvis hele fila hvis noen rad har feil", "en": "Refuse the whole file if any row has an error"},
    "data.import.confirm": {"nb": "Importer", "en": "Import"},
    "data.import.done": {
        "nb": "Importerte {imported} tellinger (import nr. {batch}); {rejected} rader avvist, {duplicate} fantes fra før.",
        "en": "Imported {imported} tallies (import {batch}); {rejected} rows rejected, {duplicate} already there.",
    },
    "data.col.line": {"nb": "Linje", "en": "Line"},
    "data.col.column": {"nb": "Kolonne", "en": "Column"},
    "data.col.value": {"nb": "Verdi", "en": "Value"},
    "data.col.reason": {"nb": "Årsak", "en": "Reason"},
    "data.history.batch": {"nb": "Import", "en": "Import"},
    "data.history.rejected": {"nb": "Last ned avviste rader (rett og importer på nytt)", "en": "Download the rejected rows (fix and import again)"},
    "data.history.confirm_undo": {"nb": "Ja, fjern alt som kom inn med import nr. {batch}", "en": "Yes, remove everything import {batch} brought in"},
    "data.history.undo": {"nb": "Angre importen", "en": "Undo the import"},
    "data.history.undone": {"nb": "Import nr. {batch} er angret. Antall rader fjernet: {rows}.", "en": "Import {batch} undone. Rows removed: {rows}."},
    "data.places.add": {"nb": "Nytt treffsted", "en": "New hotspot"},
    "data.places.pick_on_map": {"nb": "Velg punktet i kartet", "en": "Pick the point on the map"},
    "data.col.when": {"nb": "Tidspunkt", "en": "Time"},
    "data.places.click_help": {
        "nb": "Klikk i kartet for å hente koordinatene, eller skriv dem inn.", "en": "Click the map to pick the coordinates, or type them.",
    },
    "data.places.name": {"nb": "Navn", "en": "Name"},
    "data.places.coordinates": {"nb": "Koordinater", "en": "Coordinates"},
    "data.places.wgs84": {"nb": "Breddegrad/lengdegrad (WGS84)", "en": "Latitude/longitude (WGS84)"},
    "data.places.utm33": {"nb": "Nord/øst (EUREF89 UTM 33)", "en": "North/east (EUREF89 UTM 33)"},
    "data.places.lat_or_north": {"nb": "Breddegrad eller nord", "en": "Latitude or north"},
    "data.places.lon_or_east": {"nb": "Lengdegrad eller øst", "en": "Longitude or east"},
    "data.places.lat": {"nb": "Breddegrad", "en": "Latitude"},
    "data.places.lon": {"nb": "Lengdegrad", "en": "Longitude"},
    "data.places.save": {"nb": "Lagre", "en": "Save"},
    "data.places.edit": {"nb": "Endre, flytt eller pensjoner", "en": "Edit, move or retire"},
    "data.places.choose": {"nb": "Treffsted", "en": "Hotspot"},
    "data.places.retire": {"nb": "Pensjoner treffstedet (historikken beholdes)", "en": "Retire the hotspot (history is kept)"},
    "data.places.restore": {"nb": "Ta treffstedet i bruk igjen", "en": "Bring the hotspot back"},
    "data.geodata.title": {"nb": "Områder og treffsteder fra fil", "en": "Areas and hotspots from a file"},
    "data.geodata.help": {
        "nb": "GeoJSON eller GeoPackage i hvilket som helst koordinatsystem: flater blir områder, punkter blir treffsteder. "
              "Du ser endringene før de lagres.",
        "en": "GeoJSON or GeoPackage in any coordinate system: polygons become areas, points become hotspots. "
              "You see the changes before they are saved.",
    },
    "data.geodata.file": {"nb": "Geodatafil", "en": "Geodata file"},
    "data.geodata.id_field": {"nb": "Egenskap med id", "en": "Property with the id"},
    "data.geodata.name_field": {"nb": "Egenskap med navn", "en": "Property with the name"},
    "data.geodata.replace": {"nb": "Fila er hele settet (fjern det som mangler)", "en": "The file is the whole set (remove what is missing)"},
    "data.geodata.apply": {"nb": "Lagre endringene", "en": "Save the changes"},
    "data.geodata.applied": {"nb": "Geodataene er oppdatert.", "en": "The geodata is updated."},
    "geodata.layer.areas": {"nb": "Områder", "en": "Areas"},
    "geodata.layer.hotspots": {"nb": "Treffsteder", "en": "Hotspots"},
    "data.export.partners": {"nb": "Til deling: skjul små tall", "en": "For sharing: hide small counts"},
    "data.export.partners_help": {
        "nb": "Tall under grensen vises som «:», og flere celler skjules der et lite tall ellers kunne regnes ut fra summene.",
        "en": "Counts below the threshold show as ':', and more cells are hidden where a small count could otherwise be worked out from the totals.",
    },
    "data.export.threshold": {"nb": "Skjul tall under", "en": "Hide counts below"},
    "data.export.annual": {"nb": "Årsrapportens tabeller", "en": "The annual report's tables"},
    "data.export.year": {"nb": "År", "en": "Year"},
    "table.place": {"nb": "Sted", "en": "Place"},
    "table.area": {"nb": "Område", "en": "Area"},
    "table.kind": {"nb": "Stedstype", "en": "Place type"},
    "table.hits": {"nb": "Treff", "en": "Hits"},
    "table.hits_before": {"nb": "Treff før", "en": "Hits before"},
    "table.change": {"nb": "Endring", "en": "Change"},
    "table.period": {"nb": "Periode", "en": "Period"},
    "table.tags": {"nb": "Stikkord", "en": "Tags"},
    "table.text": {"nb": "Notat", "en": "Note"},
    "table.author": {"nb": "Skrevet av", "en": "Written by"},
    "table.shareable": {"nb": "Kan deles", "en": "Shareable"},
    "common.approximate": {"nb": "omtrentlig plassering", "en": "approximate location"},
})


# --- bemanning: staffing plan, patrols and coverage (dashboard.patrols, dashboard.coverage, views/bemanning.py) ---
MESSAGES.update({
    "nav.bemanning": {"nb": "Bemanning", "en": "Staffing"},
    "staffing.title": {"nb": "Bemanning og dekning", "en": "Staffing and coverage"},
    "staffing.intro": {
        "nb": "Hvor mange ungdommer møter teamene per teamtime, og hvor er det mange ungdommer men få team? "
              "Treff sammenlignes med bemanningsplanen (planlagte team) og patruljeloggen (loggførte teamtimer).",
        "en": "How many young people do the teams meet per team-hour, and where are there many young people but few "
              "teams? Hits are compared with the staffing plan (planned teams) and the patrol log (logged team-hours).",
    },
    "staffing.no_patrols": {
        "nb": "Ingen patruljer er loggført i perioden; treff per loggført teamtime kan ikke regnes ut.",
        "en": "No patrols are logged in the period; hits per logged team-hour cannot be computed.",
    },
    "staffing.all_areas_note": {
        "nb": "Bemanningsplanen gjelder hele kommunen; områdevalget i filteret gjelder treffene og patruljene.",
        "en": "The staffing plan covers the whole municipality; the area filter applies to hits and patrols.",
    },
    "coverage.demand_heading": {"nb": "Treff og planlagte team", "en": "Hits and planned teams"},
    "coverage.demand_help": {
        "nb": "Fargen viser treff; tallet i ruta er planlagte team i snitt for perioden. Pekeren viser treff per planlagt teamtime.",
        "en": "Colour shows hits; the number in a cell is the planned teams on average over the period. Hover for hits per planned team-hour.",
    },
    "coverage.rate_heading": {"nb": "Treff per loggført teamtime", "en": "Hits per logged team-hour"},
    "coverage.rate_help": {
        "nb": "Treff delt på teamtimene patruljeloggen viser i samme time. Prikkede rammer markerer dekningshull.",
        "en": "Hits divided by the team-hours the patrol log shows in the same hour. Dotted frames mark coverage gaps.",
    },
    "coverage.gaps_heading": {"nb": "Dekningshull", "en": "Coverage gaps"},
    "coverage.gaps_help": {
        "nb": "Tidsrom med mange treff (øverste firedel) og få team: høyst ett planlagt team, ingen patrulje, eller "
              "treff per teamtime blant de høyeste ti prosentene. Rangert etter treff utover det en vanlig time gir med samme teamtimer.",
        "en": "Time windows with many hits (top quarter) and few teams: at most one planned team, no patrol, or hits per "
              "team-hour in the top ten per cent. Ranked by hits beyond what a typical hour gives on the same team-hours.",
    },
    "coverage.no_gaps": {"nb": "Ingen dekningshull i utvalget.", "en": "No coverage gaps in the selection."},
    "coverage.areas_heading": {"nb": "Innsats per område", "en": "Effort per area"},
    "coverage.areas_help": {
        "nb": "Treff, loggførte teamtimer og treff per teamtime for hvert område (andeler i prosent).",
        "en": "Hits, logged team-hours and hits per team-hour for each area (shares in per cent).",
    },
    "coverage.effort_heading": {"nb": "Planlagte og loggførte teamtimer", "en": "Planned and logged team-hours"},
    "coverage.effort_help": {
        "nb": "Planlagt: snittet av minste og største antall team i planen ganger skiftets lengde. Loggført: patruljenes "
              "lengde, for hele kommunen, talt på dagen skiftet startet.",
        "en": "Planned: the mean of the plan's least and most teams times the shift's length. Logged: the patrols' "
              "lengths, for the whole municipality, counted on the day the shift started.",
    },
    "staffing.plan_heading": {"nb": "Bemanningsplan", "en": "Staffing plan"},
    "staffing.plan_help": {
        "nb": "Feltteam per ukedag og skift, for vinterhalvåret og sommerhalvåret (april–september; her ligger "
              "forsterkningen med ett ekstra team). Et skift som slutter før det starter, slutter etter midnatt.",
        "en": "Field teams per weekday and shift, for the winter and the summer half-year (April–September; the extra "
              "summer team is in these rows). A shift that ends before it starts ends after midnight.",
    },
    "staffing.save": {"nb": "Lagre bemanningsplanen", "en": "Save the staffing plan"},
    "staffing.saved": {"nb": "Bemanningsplanen er lagret ({rows} rader).", "en": "The staffing plan was saved ({rows} rows)."},
    "staffing.col.season": {"nb": "Sesong", "en": "Season"},
    "staffing.col.weekday": {"nb": "Ukedag", "en": "Weekday"},
    "staffing.col.shift": {"nb": "Skift", "en": "Shift"},
    "staffing.col.start": {"nb": "Fra", "en": "From"},
    "staffing.col.end": {"nb": "Til", "en": "To"},
    "staffing.col.min": {"nb": "Minst team", "en": "Least teams"},
    "staffing.col.max": {"nb": "Flest team", "en": "Most teams"},
    "staffing.season.winter": {"nb": "vinter", "en": "winter"},
    "staffing.season.summer": {"nb": "sommer", "en": "summer"},
    "staffing.shift.day": {"nb": "dag (skolefelt)", "en": "day (school)"},
    "staffing.shift.evening": {"nb": "kveld", "en": "evening"},
    "staffing.shift.late": {"nb": "sen", "en": "late"},
    "staffing.invalid": {
        "nb": "Bemanningsplanen ble ikke lagret ({count} feil):", "en": "The staffing plan was not saved ({count} problems):",
    },
    "staffing.row": {"nb": "Rad {row}:", "en": "Row {row}:"},
    "staffing.missing_columns": {"nb": "kolonner mangler: {columns}", "en": "columns missing: {columns}"},
    "staffing.bad_season": {
        "nb": "ukjent sesong «{value}»; bruk winter (vinter) eller summer (sommer)",
        "en": "unknown season '{value}'; use winter or summer",
    },
    "staffing.bad_weekday": {
        "nb": "ukedag må være 1–7 (1 = mandag), fikk «{value}»", "en": "the weekday must be 1–7 (1 = Monday), got '{value}'",
    },
    "staffing.bad_shift": {
        "nb": "ukjent skift «{value}»; bruk day, evening eller late", "en": "unknown shift '{value}'; use day, evening or late",
    },
    "staffing.bad_time": {
        "nb": "{column}: ugyldig klokkeslett «{value}»; bruk TT:MM", "en": "{column}: invalid time '{value}'; use HH:MM",
    },
    "staffing.same_time": {
        "nb": "skiftet må slutte på et annet klokkeslett enn det starter", "en": "the shift must end at another time than it starts",
    },
    "staffing.bad_teams": {
        "nb": "{column} må være et helt tall fra 0 til {max}, fikk «{value}»",
        "en": "{column} must be a whole number from 0 to {max}, got '{value}'",
    },
    "staffing.min_above_max": {
        "nb": "minste antall team ({min}) er større enn største ({max})",
        "en": "the least number of teams ({min}) is larger than the most ({max})",
    },
    "staffing.duplicate": {
        "nb": "{season}, ukedag {weekday}, skift {shift} står allerede i rad {first}",
        "en": "{season}, weekday {weekday}, shift {shift} is already in row {first}",
    },
    "staffing.no_season": {
        "nb": "planen har ingen rader for sesongen {season}", "en": "the plan has no rows for the season {season}",
    },
})
# --- end bemanning ---


# --- import (dashboard.importer, dashboard.import_store, `feltkart import/batches/undo`) ---
MESSAGES.update({
    "import.too_large": {
        "nb": "Fila {file} er for stor ({size} MB); største tillatte størrelse er {max} MB. Del den i flere filer.",
        "en": "The file {file} is too large ({size} MB); the limit is {max} MB. Split it into several files.",
    },
    "import.empty": {"nb": "Fila {file} er tom.", "en": "The file {file} is empty."},
    "import.header_only": {
        "nb": "Fila {file} har bare en overskriftsrad og ingen rader med registreringer.",
        "en": "The file {file} has only a header line and no lines of registrations.",
    },
    "import.not_zip": {
        "nb": "Fila {file} heter .xlsx, men er ikke en Excel-fil. Lagre den på nytt fra Excel som .xlsx eller CSV.",
        "en": "The file {file} is named .xlsx but is not an Excel file. Save it again from Excel as .xlsx or CSV.",
    },
    "import.old_xls": {
        "nb": "Fila {file} er i det gamle .xls-formatet. Lagre den som .xlsx eller CSV og prøv igjen.",
        "en": "The file {file} is in the old .xls format. Save it as .xlsx or CSV and try again.",
    },
    "import.zip_bomb": {
        "nb": "Fila {file} pakker seg ut til unormalt mye data ({size} MB); den blir ikke åpnet.",
        "en": "The file {file} unpacks to an abnormal amount of data ({size} MB); it will not be opened.",
    },
    "import.xlsx_unreadable": {
        "nb": "Kunne ikke lese Excel-fila {file} ({reason}). Åpne og lagre den på nytt i Excel, eller lagre som CSV.",
        "en": "Could not read the Excel file {file} ({reason}). Open and save it again in Excel, or save as CSV.",
    },
    "import.utf16": {
        "nb": "Fila {file} er lagret som UTF-16 («Unicode-tekst»). Lagre den som «CSV UTF-8» eller .xlsx og prøv igjen.",
        "en": "The file {file} is saved as UTF-16 ('Unicode text'). Save it as 'CSV UTF-8' or .xlsx and try again.",
    },
    "import.not_text": {
        "nb": "Fila {file} er verken en CSV-tekstfil (UTF-8 eller Windows-1252) eller en Excel-fil (.xlsx).",
        "en": "The file {file} is neither a CSV text file (UTF-8 or Windows-1252) nor an Excel file (.xlsx).",
    },
    "import.missing_columns": {
        "nb": "Fila {file} mangler kolonnene {missing}. Fant kolonnene: {found}. (Antall kan også stå i én kolonne per kjønn og aldersgruppe, f.eks. «gutter 13-15».)",
        "en": "The file {file} lacks the columns {missing}. Columns found: {found}. (Counts may also be one column per gender and age band, e.g. 'gutter 13-15'.)",
    },
    "import.duplicate_column": {
        "nb": "Kolonnene {columns} betyr det samme ({field}); fjern den ene og prøv igjen.",
        "en": "The columns {columns} mean the same thing ({field}); remove one and try again.",
    },
    "import.coordinate_pair": {
        "nb": "Fila har kolonnen «{present}», men ikke «{missing}»; koordinater trenger begge.",
        "en": "The file has the column '{present}' but not '{missing}'; coordinates need both.",
    },
    "import.file_missing": {"nb": "Fant ikke fila {path}.", "en": "File not found: {path}."},
    "import.strict_refused": {
        "nb": "Streng import: fila har {n} feil, så ingenting ble importert.",
        "en": "Strict import: the file has {n} errors, so nothing was imported.",
    },
    "import.batch_not_found": {"nb": "Fant ingen import nr. {batch}.", "en": "No import number {batch}."},
    "import.undo_demo": {
        "nb": "Import nr. {batch} er demodataene; de kan bare byttes ut med «feltkart demo».",
        "en": "Import {batch} is the demo data; it can only be replaced with 'feltkart demo'.",
    },
    "import.already_undone": {
        "nb": "Import nr. {batch} ble allerede angret {at}.", "en": "Import {batch} was already undone on {at}.",
    },
    "import.undone": {
        "nb": "Angret import nr. {batch}. Antall rader fjernet: {n}.", "en": "Undid import {batch}. Rows removed: {n}.",
    },
    "import.summary": {
        "nb": "{file}: {read} rader lest, {imported} registreringer importert, {rejected} rader avvist, {duplicate} duplikater.",
        "en": "{file}: {read} lines read, {imported} registrations imported, {rejected} lines rejected, {duplicate} duplicates.",
    },
    "import.saved_as": {"nb": "Lagret som import nr. {batch}.", "en": "Saved as import {batch}."},
    "import.rejected_kept": {
        "nb": "De avviste radene er lagret med import nr. {batch} og kan lastes ned, rettes og importeres på nytt.",
        "en": "The rejected lines are kept with import {batch} and can be downloaded, fixed and imported again.",
    },
    "import.dry_run": {"nb": "Prøvekjøring: ingenting ble lagret.", "en": "Dry run: nothing was saved."},
    "import.refused": {"nb": "Ikke importert: {reason}", "en": "Not imported: {reason}"},
    "import.error_line": {
        "nb": "linje {line}, kolonne {column} («{value}»): {message}", "en": "line {line}, column {column} ('{value}'): {message}",
    },
    "import.more_errors": {"nb": "… og {n} feil til.", "en": "… and {n} more errors."},
    "import.no_batches": {"nb": "Ingen importer ennå.", "en": "No imports yet."},
    "import.what.demo": {"nb": "Demodata", "en": "Demo data"},
    "import.what.registrations": {"nb": "Registreringer", "en": "Registrations"},
    "import.what.followup": {"nb": "Oppfølgingstall", "en": "Follow-up figures"},
    "import.what.patrols": {"nb": "Vaktlogg", "en": "Patrol log"},
    "import.col.id": {"nb": "Nr.", "en": "No."},
    "import.col.what": {"nb": "Hva", "en": "What"},
    "import.col.source": {"nb": "Fil", "en": "File"},
    "import.col.created_at": {"nb": "Importert", "en": "Imported"},
    "import.col.rows_read": {"nb": "Rader lest", "en": "Rows read"},
    "import.col.rows_imported": {"nb": "Lagret", "en": "Stored"},
    "import.col.rows_rejected": {"nb": "Avvist", "en": "Rejected"},
    "import.col.rows_duplicate": {"nb": "Duplikater", "en": "Duplicates"},
    "import.col.undone_at": {"nb": "Angret", "en": "Undone"},
    "import.batch_line": {
        "nb": "nr. {id}  {at}  {kind}  {source}  lest {read}, importert {imported}, avvist {rejected}, duplikater {duplicate}{undone}",
        "en": "no. {id}  {at}  {kind}  {source}  read {read}, imported {imported}, rejected {rejected}, duplicates {duplicate}{undone}",
    },
    "import.batch_undone": {"nb": "  (angret {at})", "en": "  (undone {at})"},
    "import.notice.sheet": {
        "nb": "Fila har {n} ark; bare arket «{sheet}» ble lest.", "en": "The file has {n} sheets; only the sheet '{sheet}' was read.",
    },
    "import.notice.header_line": {
        "nb": "Overskriftsraden er linje {line}; linjene over den ble hoppet over.",
        "en": "The header is line {line}; the lines above it were skipped.",
    },
    "import.notice.comments_dropped": {
        "nb": "Fritekstkolonner ble ikke importert (fritekst kan inneholde navn): {columns}.",
        "en": "Free-text columns were not imported (free text may contain names): {columns}.",
    },
    "import.notice.unknown_dropped": {
        "nb": "Ukjente kolonner ble ikke importert: {columns}.",
        "en": "Unknown columns were not imported: {columns}.",
    },
    "import.notice.unnamed_dropped": {
        "nb": "{n} kolonner uten overskrift ble ikke importert.", "en": "{n} columns without a header were not imported.",
    },
    "import.notice.wide": {
        "nb": "Fila har én rad per besøk med {n} antallskolonner per kjønn og aldersgruppe; hver celle over 0 blir én registrering (tomme celler regnes som 0).",
        "en": "The file has one line per visit with {n} count columns per gender and age band; each cell above 0 becomes one registration (empty cells count as 0).",
    },
    "import.notice.default_channel": {
        "nb": "Fila har ingen kanal-kolonne; alle radene er registrert som gatefelt.",
        "en": "The file has no channel column; all lines are registered as street outreach.",
    },
    "import.notice.default_time": {
        "nb": "Tidspunkt mangler i fila; satt til kl. 12.", "en": "The file has no times; set to 12:00.",
    },
    "import.notice.in_file_duplicates": {
        "nb": "{n} registreringer var helt like en tidligere rad i samme fil og ble bare tatt med én gang.",
        "en": "{n} registrations were identical to an earlier line in the same file and were counted once.",
    },
    "import.notice.same_file": {
        "nb": "Denne fila er allerede importert (import nr. {batch}, {at}); ingenting ble lagt til.",
        "en": "This file was already imported (import {batch}, {at}); nothing was added.",
    },
    "import.notice.nothing_new": {
        "nb": "Alle registreringene fantes fra før; ingen ny import ble opprettet.",
        "en": "All registrations already existed; no new import was created.",
    },
    "import.row.bad_date": {
        "nb": "ugyldig dato; bruk dd.mm.åååå, dd.mm.åå eller åååå-mm-dd",
        "en": "invalid date; use dd.mm.yyyy, dd.mm.yy or yyyy-mm-dd",
    },
    "import.row.no_such_date": {"nb": "datoen finnes ikke", "en": "no such date"},
    "import.row.date_missing": {"nb": "dato mangler", "en": "date missing"},
    "import.row.date_future": {"nb": "datoen er fram i tid (etter {today})", "en": "the date is in the future (after {today})"},
    "import.row.date_too_old": {"nb": "datoer før år {year} godtas ikke", "en": "dates before the year {year} are not accepted"},
    "import.row.time_missing": {"nb": "klokkeslett mangler", "en": "time missing"},
    "import.row.bad_time": {"nb": "ugyldig klokkeslett; bruk TT:MM eller TT.MM", "en": "invalid time; use HH:MM or HH.MM"},
    "import.row.place_missing": {
        "nb": "sted mangler (gatefelt og skolefelt må ha et sted eller koordinater)",
        "en": "place missing (street and school outreach need a place or coordinates)",
    },
    "import.row.unknown_place": {"nb": "ukjent sted", "en": "unknown place"},
    "import.row.unknown_place_suggest": {"nb": "ukjent sted; mente du {suggestions}?", "en": "unknown place; did you mean {suggestions}?"},
    "import.row.ambiguous_place": {
        "nb": "navnet passer på flere treffsteder ({ids}); bruk id-en", "en": "the name fits several hotspots ({ids}); use the id",
    },
    "import.row.bad_coordinate": {"nb": "ugyldig koordinat; bruk et desimaltall, f.eks. 59,95366", "en": "invalid coordinate; use a decimal number, e.g. 59.95366"},
    "import.row.coordinate_missing": {"nb": "koordinaten mangler sin makker i «{other}»", "en": "the coordinate lacks its partner in '{other}'"},
    "import.row.latlon_range": {
        "nb": "breddegrad må være mellom -90 og 90 og lengdegrad mellom -180 og 180",
        "en": "latitude must be between -90 and 90 and longitude between -180 and 180",
    },
    "import.row.utm_range": {
        "nb": "ser ikke ut som UTM 33-koordinater (EUREF89): øst 100 000–900 000, nord 6 000 000–8 000 000",
        "en": "does not look like UTM 33 coordinates (EUREF89): east 100,000–900,000, north 6,000,000–8,000,000",
    },
    "import.row.outside_areas": {"nb": "punktet ligger utenfor alle feltområdene", "en": "the point lies outside every field area"},
    "import.row.channel_missing": {"nb": "kanal mangler", "en": "channel missing"},
    "import.row.bad_channel": {"nb": "ukjent kanal; bruk {valid}", "en": "unknown channel; use {valid}"},
    "import.row.age_missing": {"nb": "aldersgruppe mangler", "en": "age band missing"},
    "import.row.bad_age": {"nb": "ukjent aldersgruppe; bruk {valid}", "en": "unknown age band; use {valid}"},
    "import.row.gender_missing": {"nb": "kjønn mangler", "en": "gender missing"},
    "import.row.bad_gender": {"nb": "ukjent kjønn; bruk {valid}", "en": "unknown gender; use {valid}"},
    "import.row.count_missing": {"nb": "antall mangler", "en": "count missing"},
    "import.row.bad_count": {"nb": "antall må være et helt tall", "en": "the count must be a whole number"},
    "import.row.count_negative": {"nb": "antall kan ikke være negativt", "en": "the count cannot be negative"},
    "import.row.count_zero": {"nb": "antall må være minst 1", "en": "the count must be at least 1"},
    "import.row.count_too_large": {"nb": "antall er urimelig stort (over {max})", "en": "the count is unreasonably large (over {max})"},
    "import.row.team_too_long": {"nb": "teamnavnet er for langt (høyst {max} tegn)", "en": "the team name is too long (at most {max} characters)"},
})
# --- end import ---

# --- slides and documents (dashboard.slides, dashboard.report_docs, `feltkart export slides/annual`) ---
MESSAGES.update({
    "slides.default_title": {"nb": "Ungdom vi møter – status fra OUT", "en": "Young people we meet – status from OUT"},
    "slides.title.key_figures": {"nb": "Nøkkeltall", "en": "Key figures"},
    "slides.title.map": {"nb": "Hvor vi møter ungdom", "en": "Where we meet young people"},
    "slides.title.heatmap": {"nb": "Ukedag og klokkeslett", "en": "Weekday and hour"},
    "slides.title.trend": {"nb": "Utviklingen måned for måned", "en": "Month by month"},
    "slides.title.top": {"nb": "Steder med flest treff", "en": "Places with the most hits"},
    "slides.title.top_areas": {"nb": "Områder med flest treff", "en": "Areas with the most hits"},
    "slides.title.focus": {"nb": "Fokusområder", "en": "Focus areas"},
    "slides.title.notes": {"nb": "Trender og observasjoner", "en": "Trends and observations"},
    "slides.period": {"nb": "Periode: {period}", "en": "Period: {period}"},
    "slides.compared": {"nb": "Sammenlignet med {period}", "en": "Compared with {period}"},
    "slides.areas": {"nb": "Områder: {areas}", "en": "Areas: {areas}"},
    "slides.all_areas": {"nb": "hele kommunen", "en": "the whole municipality"},
    "slides.areas_only": {"nb": "Vist på områdenivå, uten enkeltsteder.", "en": "Shown by area, without single places."},
    "slides.made": {"nb": "Laget {date} · Feltkart", "en": "Made {date} · Feltkart"},
    "slides.kpi.before": {"nb": "{period}: {value}", "en": "{period}: {value}"},
    "slides.kpi.change": {"nb": "Endring: {change}", "en": "Change: {change}"},
    "slides.suppressed_note": {
        "nb": "«:» = skjult for å verne personvernet: færre enn {threshold}, eller skjult så et lite tall ikke kan "
              "regnes ut fra andre tall.",
        "en": "':' = hidden to protect privacy: fewer than {threshold}, or hidden so that a small count cannot be "
              "worked out from other figures.",
    },
    "slides.map_caption": {"nb": "Kartgrunnlag: Feltkart-områder", "en": "Map base: Feltkart areas"},
    "slides.map_legend": {
        "nb": "Sirkelens areal viser antall treff · ○ = skjult antall",
        "en": "Circle area shows the number of hits · ○ = hidden count",
    },
    "slides.heatmap.hour": {"nb": "Klokkeslett (time)", "en": "Hour of the day"},
    "slides.heatmap.hidden": {"nb": "Skravert med «:» = skjult antall", "en": "Hatched with ':' = hidden count"},
    "slides.trend.now": {"nb": "Valgt periode", "en": "Chosen period"},
    "slides.trend.before": {"nb": "Sammenligningsperioden", "en": "Comparison period"},
    "slides.focus.none": {
        "nb": "Ingen fokusområder er vedtatt for denne perioden.",
        "en": "No focus areas have been decided for this period.",
    },
    "slides.focus.decided": {"nb": "Vedtatt {date} for {period}:", "en": "Decided {date} for {period}:"},
    "slides.focus.item": {"nb": "{area}: {weekday} {hours}{where}", "en": "{area}: {weekday} {hours}{where}"},
    "slides.notes.none": {
        "nb": "Ingen delbare trendnotater for denne perioden.",
        "en": "No shareable trend notes for this period.",
    },
    "slides.notes.municipality": {"nb": "Hele kommunen", "en": "The whole municipality"},
    "slides.no_hits": {"nb": "Ingen treff i perioden.", "en": "No hits in the period."},
    "slides.notes.shareable": {
        "nb": "Bare notater merket «kan deles» er med.",
        "en": "Only notes marked 'shareable' are included.",
    },
    "docx.intro": {
        "nb": "Tabellene viser kontakt-treff i det oppsøkende arbeidet på gata og på skolene i {year}, "
              "fordelt på område og sted.",
        "en": "The tables show contact hits in street and school outreach in {year}, by area and place.",
    },
    "docx.totals_heading": {"nb": "Treff på gata og på skolene i alt", "en": "Street and school hits in all"},
    "docx.total_line": {"nb": "Treff på gata og på skolene i {year}: {total}.", "en": "Street and school hits in {year}: {total}."},
    "docx.not_broken_down": {
        "nb": "{n} av treffene er ikke fordelt på sted i tabellene over (blant annet videregående skoler og "
              "andre steder).",
        "en": "{n} of the hits are not broken down by place in the tables above (among them upper secondary "
              "schools and other places).",
    },
    "docx.year_heading": {"nb": "Alle treff i {year}", "en": "All hits in {year}"},
    "docx.year_total": {"nb": "Alle treff i {year}, alle kanaler: {total}.", "en": "All hits in {year}, all channels: {total}."},
    "docx.online": {
        "nb": "På nett: {internet} treff på internett og {social} i sosiale medier.",
        "en": "Online: {internet} hits on the internet and {social} on social media.",
    },
    "docx.channels_heading": {"nb": "Treff per kanal", "en": "Hits by channel"},
    "docx.age_heading": {"nb": "Treff etter alder", "en": "Hits by age"},
    "docx.gender_heading": {"nb": "Treff etter kjønn", "en": "Hits by gender"},
    "docx.col.dimension": {"nb": "Inndeling", "en": "Breakdown"},
    "docx.col.channel": {"nb": "Kanal", "en": "Channel"},
    "docx.col.age": {"nb": "Alder", "en": "Age"},
    "docx.col.gender": {"nb": "Kjønn", "en": "Gender"},
    "docx.col.group": {"nb": "Gruppe", "en": "Group"},
    "docx.sheet.breakdown": {"nb": "Kanal, alder og kjønn", "en": "Channel, age and gender"},
    "docx.made": {"nb": "Laget {date} i Feltkart.", "en": "Made {date} in Feltkart."},
})
# --- end slides and documents ---

# --- oppfølging og samarbeid (dashboard.followup, views/oppfolging.py, `feltkart followup`) ---
MESSAGES.update({
    "nav.oppfolging": {"nb": "Oppfølging og samarbeid", "en": "Follow-up and collaboration"},
    "followup.title": {"nb": "Oppfølging og samarbeid", "en": "Follow-up and collaboration"},
    "followup.intro": {
        "nb": "Månedstall fra fagsystemet om individuell oppfølging, grupper, henvisning og samarbeid. Bare "
              "sammenstilte tall, aldri enkeltpersoner. Filteret i sidefeltet gjelder ikke denne siden.",
        "en": "Monthly figures from the case system on individual follow-up, groups, referral and collaboration. "
              "Aggregated figures only, never a person. The sidebar filter does not apply to this page.",
    },
    "followup.year": {"nb": "År", "en": "Year"},
    "followup.share": {"nb": "Til deling (skjul små tall)", "en": "For sharing (hide small counts)"},
    "followup.share_help": {
        "nb": "Tall fra 1 til 4 vises som «:», og flere tall skjules der en sum ellers ville avsløre dem.",
        "en": "Counts from 1 to 4 are shown as ':', and more are hidden where a total would give them away.",
    },
    "followup.suppressed_note": {
        "nb": "Til deling: tall under 5 vises som «:».", "en": "For sharing: counts below 5 are shown as ':'.",
    },
    "followup.partial_year": {
        "nb": "Året er ikke komplett: tall for {months} måneder (til og med {last}).",
        "en": "The year is incomplete: figures for {months} months (up to {last}).",
    },
    "followup.no_data_page": {
        "nb": "Ingen oppfølgingstall ennå. Importer månedstall med «feltkart followup import FIL».",
        "en": "No follow-up figures yet. Import monthly figures with 'feltkart followup import FILE'.",
    },
    "followup.no_data": {
        "nb": "Databasen {path} har ingen oppfølgingstall ennå.", "en": "The database {path} has no follow-up figures yet.",
    },
    "followup.no_data_year": {
        "nb": "Ingen oppfølgingstall for {year}; det finnes tall for {years}.",
        "en": "No follow-up figures for {year}; there are figures for {years}.",
    },
    "followup.no_figures": {"nb": "Ingen tall for året.", "en": "No figures for the year."},
    "followup.no_services": {"nb": "Ingen samarbeid med andre tjenester registrert.",
                             "en": "No collaboration with other services recorded."},
    "followup.key_heading": {"nb": "Nøkkeltall", "en": "Key figures"},
    "followup.unique_help": {
        "nb": "Unike ungdommer gjelder hele året og er ikke summen av månedene: en ungdom som følges opp i flere "
              "måneder, telles én gang. Anonyme henvendelser er ikke med blant de unike ungdommene.",
        "en": "Unique youth refer to the whole year and are not the sum of the months: a young person followed up "
              "in several months counts once. Anonymous contacts are not among the unique youth.",
    },
    "followup.key.conversations": {"nb": "Oppfølgingssamtaler", "en": "Follow-up conversations"},
    "followup.key.unique_youth": {"nb": "Unike ungdommer i oppfølging", "en": "Unique youth in follow-up"},
    "followup.key.anonymous_conversations": {"nb": "Anonyme henvendelser", "en": "Anonymous contacts"},
    "followup.key.referrals": {"nb": "Henvisning og samarbeid (ganger)", "en": "Referral and collaboration (times)"},
    "followup.key.referral_unique_youth": {"nb": "Unike ungdommer henvist", "en": "Unique youth referred"},
    "followup.key.general_inquiries": {"nb": "Henvendelser uten samtykke", "en": "Inquiries without consent"},
    "followup.key.concern_reports": {"nb": "Bekymringsmeldinger", "en": "Concern reports"},
    "followup.key.information_requests": {"nb": "Besvarte anmodninger (barnevern)",
                                          "en": "Answered requests (child welfare)"},
    "followup.key.gaming_anonymous_youth": {"nb": "Anonyme ungdommer på gaming", "en": "Anonymous youth at gaming"},
    "followup.key.anonymous_advice": {"nb": "Råd til anonyme ungdommer eller foresatte",
                                      "en": "Advice to anonymous youth or parents"},
    "followup.key.incoming_total": {"nb": "Innkommende samarbeid i alt", "en": "Incoming collaboration in all"},
    "followup.key.outgoing_total": {"nb": "Utgående henvisning og samarbeid i alt",
                                    "en": "Outgoing referral and collaboration in all"},
    "followup.key.ung_i_jobb_most_youth": {"nb": "Flest ungdommer i Ung i jobb samtidig (måned)",
                                           "en": "Most youth in Ung i jobb at once (month)"},
    "followup.services_heading": {"nb": "Samarbeid med andre tjenester", "en": "Collaboration with other services"},
    "followup.services_help": {
        "nb": "Innkommende: andre tjenester kontakter OUT om en ungdom. Utgående: OUT kontakter andre tjenester. "
              "Bare saker der ungdommen har samtykket.",
        "en": "Incoming: other services contact OUT about a young person. Outgoing: OUT contacts other services. "
              "Only cases where the young person consented.",
    },
    "followup.monthly_heading": {"nb": "Samtaler og gruppedeltakelser per måned",
                                 "en": "Conversations and group participations per month"},
    "followup.funnel_heading": {"nb": "Fra kontakt til oppfølging og henvisning",
                                "en": "From contact to follow-up and referral"},
    "followup.funnel_help": {
        "nb": "Første trinn er treff i gate- og skolefelt (møter, ikke unike personer); de neste er unike ungdommer "
              "i året.",
        "en": "The first stage is street and school outreach hits (meetings, not unique people); the next are "
              "unique youth in the year.",
    },
    "followup.funnel.street_school_hits": {"nb": "Treff i gate- og skolefelt", "en": "Street and school hits"},
    "followup.funnel.unique_youth": {"nb": "Unike ungdommer i oppfølging", "en": "Unique youth in follow-up"},
    "followup.funnel.referral_unique_youth": {"nb": "Unike ungdommer henvist", "en": "Unique youth referred"},
    "followup.tables_heading": {"nb": "Tallene", "en": "The figures"},
    "followup.inquiries_note": {
        "nb": "Henvendelser uten samtykke vises bare som sum: årsrapporten for 2023 gjengir samme tjenestetabell som "
              "for utgående samarbeid.",
        "en": "Inquiries without consent are shown as a total only: the 2023 annual report repeats the table of "
              "outgoing collaboration for them.",
    },
    "followup.col.service": {"nb": "Tjeneste", "en": "Service"},
    "followup.col.incoming": {"nb": "Innkommende", "en": "Incoming"},
    "followup.col.outgoing": {"nb": "Utgående", "en": "Outgoing"},
    "followup.col.count": {"nb": "Antall", "en": "Count"},
    "followup.col.figure": {"nb": "Tall", "en": "Figure"},
    "followup.col.month": {"nb": "Måned", "en": "Month"},
    "followup.col.series": {"nb": "Serie", "en": "Series"},
    "followup.col.stage": {"nb": "Trinn", "en": "Stage"},
    "followup.col.participations": {"nb": "Deltakelser", "en": "Participations"},
    "followup.col.unique_youth": {"nb": "Unike ungdommer", "en": "Unique youth"},
    "followup.summary.most_in": {"nb": "Flest innkommende fra {service} ({n}).", "en": "Most incoming from {service} ({n})."},
    "followup.summary.most_out": {"nb": "Flest utgående til {service} ({n}).", "en": "Most outgoing to {service} ({n})."},
    "followup.summary.totals": {"nb": "I alt {incoming} inn og {outgoing} ut.", "en": "In all {incoming} in and {outgoing} out."},
    "followup.summary.busiest_month": {"nb": "{series}: flest i {month} ({n}).", "en": "{series}: most in {month} ({n})."},
    "followup.summary.funnel": {
        "nb": "{referred} av {youth} unike ungdommer i oppfølging ble henvist videre ({share}).",
        "en": "{referred} of {youth} unique youth in follow-up were referred on ({share}).",
    },
    "followup.summary.funnel_partial": {"nb": "Trinnene vises der året har tall.", "en": "Stages are shown where the year has figures."},
    "followup.missing_columns": {
        "nb": "Fila {file} mangler kolonnene {missing}. Fant kolonnene: {found}. (Forventet: måned, måltall, kategori/tjeneste og antall.)",
        "en": "The file {file} lacks the columns {missing}. Columns found: {found}. (Expected: month, measure, category/service and count.)",
    },
    "followup.header_only": {
        "nb": "Fila {file} har bare en overskriftsrad og ingen rader med tall.",
        "en": "The file {file} has only a header line and no lines of figures.",
    },
    "followup.row.month_missing": {"nb": "måned mangler", "en": "month missing"},
    "followup.row.bad_month": {
        "nb": "ugyldig måned; bruk åååå-mm, mm.åååå eller en dato", "en": "invalid month; use yyyy-mm, mm.yyyy or a date",
    },
    "followup.row.month_future": {"nb": "måneden er fram i tid (etter {month})", "en": "the month is in the future (after {month})"},
    "followup.row.year_only": {
        "nb": "oppgi måneden (åååå-mm); bare årstall gjelder bare tall for hele året",
        "en": "give the month (yyyy-mm); a bare year is only for figures of the whole year",
    },
    "followup.row.measure_missing": {"nb": "måltall mangler", "en": "measure missing"},
    "followup.row.bad_measure": {
        "nb": "ukjent måltall; bruk f.eks. samtaler, unike ungdommer, gruppedeltakelser, innkommende, utgående, bekymringsmeldinger",
        "en": "unknown measure; use e.g. conversations, unique youth, participations, incoming, outgoing, concern reports",
    },
    "followup.row.bad_measure_suggest": {"nb": "ukjent måltall; mente du {suggestions}?", "en": "unknown measure; did you mean {suggestions}?"},
    "followup.row.no_category": {
        "nb": "dette måltallet har ingen kategori; la kategori stå tom", "en": "this measure has no category; leave it empty",
    },
    "followup.row.category_missing_service": {"nb": "tjeneste mangler", "en": "service missing"},
    "followup.row.category_missing_group": {"nb": "gruppetype mangler", "en": "group type missing"},
    "followup.row.bad_service": {"nb": "ukjent tjeneste; bruk {valid}", "en": "unknown service; use {valid}"},
    "followup.row.bad_service_suggest": {"nb": "ukjent tjeneste; mente du {suggestions}?", "en": "unknown service; did you mean {suggestions}?"},
    "followup.row.bad_group": {"nb": "ukjent gruppetype; bruk {valid}", "en": "unknown group type; use {valid}"},
    "followup.row.bad_group_suggest": {"nb": "ukjent gruppetype; mente du {suggestions}?", "en": "unknown group type; did you mean {suggestions}?"},
    "followup.row.conflict_in_file": {
        "nb": "samme måned, måltall og kategori står allerede i linje {line} med antall {value}",
        "en": "the same month, measure and category is already in line {line} with the count {value}",
    },
    "followup.row.conflict_stored": {
        "nb": "tallet finnes allerede med antall {value} (import nr. {batch}); angre den importen først for å rette det",
        "en": "the figure is already stored with the count {value} (import {batch}); undo that import first to correct it",
    },
    "followup.notice.in_file_duplicates": {
        "nb": "{n} rader var helt like en tidligere rad i samme fil og ble bare tatt med én gang.",
        "en": "{n} lines were identical to an earlier line in the same file and were counted once.",
    },
    "followup.notice.nothing_new": {
        "nb": "Alle tallene fantes fra før; ingen ny import ble opprettet.",
        "en": "All figures already existed; no new import was created.",
    },
    "followup.import_summary": {
        "nb": "{file}: {read} rader lest, {imported} tall importert, {rejected} rader avvist, {duplicate} duplikater.",
        "en": "{file}: {read} lines read, {imported} figures imported, {rejected} lines rejected, {duplicate} duplicates.",
    },
})
# --- end oppfølging og samarbeid ---

# --- patrol log import (dashboard.patrol_import, `feltkart patrols import`, views/bemanning.py) ---
MESSAGES.update({
    "patrols.missing_columns": {
        "nb": "Fila {file} mangler kolonnene {missing}. Fant kolonnene: {found}. (Forventet: dato, fra, til, område og "
              "team; vakt kan utelates.)",
        "en": "The file {file} lacks the columns {missing}. Columns found: {found}. (Expected: date, from, to, area and "
              "team; shift is optional.)",
    },
    "patrols.header_only": {
        "nb": "Fila {file} har bare en overskriftsrad og ingen vakter.",
        "en": "The file {file} has only a header line and no patrols.",
    },
    "patrols.row.start_missing": {"nb": "starttid (fra) mangler", "en": "start time (from) missing"},
    "patrols.row.end_missing": {"nb": "sluttid (til) mangler", "en": "end time (to) missing"},
    "patrols.row.same_time": {
        "nb": "fra og til er like; oppgi når vakta sluttet",
        "en": "from and to are the same; give the time the patrol ended",
    },
    "patrols.row.too_long": {
        "nb": "vakta blir {hours} timer lang (til før fra regnes som etter midnatt); høyst {max} timer godtas",
        "en": "the patrol would last {hours} hours (a 'to' before 'from' counts as after midnight); at most {max} hours are accepted",
    },
    "patrols.row.area_missing": {"nb": "område mangler", "en": "area missing"},
    "patrols.row.unknown_area": {
        "nb": "ukjent område; bruk id eller navn på et område: {valid}",
        "en": "unknown area; use the id or name of an area: {valid}",
    },
    "patrols.row.unknown_area_suggest": {"nb": "ukjent område; mente du {suggestions}?", "en": "unknown area; did you mean {suggestions}?"},
    "patrols.row.hotspot_not_area": {
        "nb": "«{hotspot}» er et treffsted; oppgi området det ligger i, «{area}»",
        "en": "'{hotspot}' is a hotspot; give the area it lies in, '{area}'",
    },
    "patrols.row.team_missing": {"nb": "team mangler", "en": "team missing"},
    "patrols.row.team_email": {
        "nb": "ser ut som en e-postadresse; oppgi teamets navn (f.eks. «Team 1»), ikke en person",
        "en": "looks like an e-mail address; give the team's label (e.g. 'Team 1'), not a person",
    },
    "patrols.row.bad_shift": {"nb": "ukjent vakt; bruk dag, kveld eller sen", "en": "unknown shift; use day, evening or late"},
    "patrols.row.overlap_in_file": {
        "nb": "overlapper med linje {line} ({span}): samme team i samme område til samme tid",
        "en": "overlaps line {line} ({span}): the same team in the same area at the same time",
    },
    "patrols.row.overlap_stored": {
        "nb": "overlapper med en lagret vakt for samme team i samme område ({span}, import nr. {batch}); angre den "
              "importen først for å rette den",
        "en": "overlaps a stored patrol of the same team in the same area ({span}, import {batch}); undo that import "
              "first to correct it",
    },
    "patrols.notice.staff_dropped": {
        "nb": "Kolonner om ansatte ble ikke importert (Feltkart lagrer hvilket team som var ute, ikke hvem): {columns}.",
        "en": "Columns about staff were not imported (Feltkart stores which team was out, not who): {columns}.",
    },
    "patrols.notice.shift_from_plan": {
        "nb": "Vakttypen for {n} vakter er hentet fra bemanningsplanen (skiftet vakta overlapper mest), fordi fila ikke oppgir den.",
        "en": "The shift of {n} patrols is taken from the staffing plan (the shift the patrol overlaps most), as the file does not give it.",
    },
    "patrols.notice.shift_from_clock": {
        "nb": "{n} vakter uten vakttype lå utenfor bemanningsplanen; vakttypen er satt ut fra klokkeslettet (dag: start "
              "06–14, sen: over midnatt eller start etter 20, ellers kveld).",
        "en": "{n} patrols without a shift lay outside the staffing plan; their shift is set from the clock (day: start "
              "06–14, late: past midnight or start after 20, otherwise evening).",
    },
    "patrols.notice.nothing_new": {
        "nb": "Alle vaktene fantes fra før; ingen ny import ble opprettet.",
        "en": "All patrols already existed; no new import was created.",
    },
    "patrols.import_summary": {
        "nb": "{file}: {read} rader lest, {imported} vakter importert, {rejected} rader avvist, {duplicate} duplikater.",
        "en": "{file}: {read} lines read, {imported} patrols imported, {rejected} lines rejected, {duplicate} duplicates.",
    },
    "patrols.upload_heading": {"nb": "Importer vaktlogg", "en": "Import the patrol log"},
    "patrols.upload_help": {
        "nb": "CSV eller Excel (XLSX) med én rad per vakt: dato, fra, til, område (id eller navn), team (teamets navn, "
              "f.eks. «Team 1» – aldri navn på ansatte) og eventuelt vakt (dag, kveld, sen; ellers hentes den fra "
              "bemanningsplanen). Til før fra betyr etter midnatt. Du ser en forhåndsvisning og en feilrapport før noe "
              "lagres; importen kan angres under Data → Importhistorikk.",
        "en": "CSV or Excel (XLSX) with one line per patrol: date, from, to, area (id or name), team (the team's label, "
              "e.g. 'Team 1' – never the names of staff) and optionally shift (day, evening, late; otherwise taken from "
              "the staffing plan). A 'to' before 'from' means after midnight. You see a preview and an error report "
              "before anything is saved; the import can be undone under Data → Import history.",
    },
    "patrols.upload_file": {"nb": "Vaktlogg", "en": "Patrol log"},
    "patrols.valid": {"nb": "Gyldige vakter", "en": "Valid patrols"},
    "patrols.done": {
        "nb": "Importerte {imported} vakter (import nr. {batch}); {rejected} rader avvist, {duplicate} fantes fra før.",
        "en": "Imported {imported} patrols (import {batch}); {rejected} lines rejected, {duplicate} already there.",
    },
    "patrols.col.date": {"nb": "Dato", "en": "Date"},
    "patrols.col.team": {"nb": "Team", "en": "Team"},
    "patrols.col.hours": {"nb": "Timer", "en": "Hours"},
})
# --- end patrol log import ---

# --- backup (dashboard.backup, `feltkart backup/restore`) ---
MESSAGES.update({
    "backup.done": {
        "nb": "Sikkerhetskopi skrevet til {path}: {rows} registreringer, {tables} tabeller, {size} MB, kontrollert ({seconds} s).",
        "en": "Backup written to {path}: {rows} registrations, {tables} tables, {size} MB, verified ({seconds} s).",
    },
    "backup.restored": {
        "nb": "Databasen {path} er gjenopprettet fra {source}: {rows} registreringer (skjemaversjon {version}).",
        "en": "The database {path} was restored from {source}: {rows} registrations (schema version {version}).",
    },
    "backup.kept": {
        "nb": "Den forrige databasen er tatt vare på som {path}.",
        "en": "The previous database was kept as {path}.",
    },
    "backup.exists": {
        "nb": "{path} finnes allerede; velg et annet filnavn eller bruk --force for å skrive over.",
        "en": "{path} already exists; choose another file name or use --force to overwrite it.",
    },
    "backup.same_file": {
        "nb": "{path} er selve databasen; velg en annen fil.",
        "en": "{path} is the database itself; choose another file.",
    },
    "backup.no_folder": {"nb": "Mappen {path} finnes ikke.", "en": "The folder {path} does not exist."},
    "backup.missing": {"nb": "Fant ingen fil {path}.", "en": "No file {path}."},
    "backup.incomplete": {
        "nb": "{path} er ikke en fullstendig Feltkart-database (mangler tabellene {tables}).",
        "en": "{path} is not a complete Feltkart database (missing the tables {tables}).",
    },
    "backup.verify_failed": {
        "nb": "Kontrollen av kopien {path} feilet ({reason}); ingen sikkerhetskopi ble lagret.",
        "en": "Checking the copy {path} failed ({reason}); no backup was saved.",
    },
    "backup.keep_needs_dir": {
        "nb": "--keep gjelder daterte sikkerhetskopier: bruk det sammen med --dir MAPPE.",
        "en": "--keep applies to dated backups: use it with --dir DIR.",
    },
    "backup.pruned": {
        "nb": "Slettet {n} eldre sikkerhetskopier etter --keep: {names}",
        "en": "Deleted {n} older backups by --keep: {names}",
    },
})
# --- end backup ---

# --- operations: status, drop folder, retention (dashboard/status.py, dropfolder.py, retention.py) ---
MESSAGES.update({
    "cli.bad_seconds": {"nb": "Ugyldig antall sekunder «{value}»: bruk et tall, 0 eller mer.",
                        "en": "Invalid number of seconds '{value}': use a number, 0 or more."},
    "cli.bad_hours": {"nb": "Ugyldig antall timer «{value}»: bruk et tall over 0.",
                      "en": "Invalid number of hours '{value}': use a number above 0."},
    "status.ok": {"nb": "Feltkart-status: OK", "en": "Feltkart status: OK"},
    "status.attention": {"nb": "Feltkart-status: TRENGER OPPFØLGING", "en": "Feltkart status: NEEDS ATTENTION"},
    "status.database": {
        "nb": "Database: {path} ({mb} MB), skjemaversjon {schema} (denne Feltkart: {supported}), dataversjon {data}",
        "en": "Database: {path} ({mb} MB), schema version {schema} (this Feltkart: {supported}), data version {data}",
    },
    "status.registrations": {"nb": "Registreringer: {n} (siste: {last})", "en": "Registrations: {n} (latest: {last})"},
    "status.last_import": {
        "nb": "Siste import: {at} ({what}): {imported} rader lagret, {rejected} avvist",
        "en": "Last import: {at} ({what}): {imported} rows stored, {rejected} rejected",
    },
    "status.last_backup": {"nb": "Siste sikkerhetskopi: {at}{age}: {path}", "en": "Last backup: {at}{age}: {path}"},
    "status.hours_ago": {"nb": " ({hours} timer siden)", "en": " ({hours} hours ago)"},
    "status.never": {"nb": "aldri", "en": "never"},
    "status.problem": {"nb": "PROBLEM: {message}", "en": "PROBLEM: {message}"},
    "status.notice": {"nb": "Merk: {message}", "en": "Note: {message}"},
    "status.no_backup": {
        "nb": "Ingen sikkerhetskopi er registrert. Sett opp «feltkart backup --dir MAPPE --keep 7d,4w» hver natt.",
        "en": "No backup is recorded. Run 'feltkart backup --dir DIR --keep 7d,4w' every night.",
    },
    "status.backup_old": {
        "nb": "Siste sikkerhetskopi er {hours} timer gammel (grense {max} timer).",
        "en": "The last backup is {hours} hours old (limit {max} hours).",
    },
    "status.backup_gone": {"nb": "Siste sikkerhetskopi {path} finnes ikke lenger.",
                           "en": "The last backup {path} no longer exists."},
    "status.import_refused": {
        "nb": "Siste nattlige import fra {folder}: {refused} fil(er) avvist, {failed} ikke lagret. Se avvist/ og rapportene der.",
        "en": "The last nightly import from {folder}: {refused} file(s) refused, {failed} not stored. See avvist/ and the reports there.",
    },
    "status.import_old": {
        "nb": "Den nattlige importen har ikke kjørt på {hours} timer (grense {max} timer).",
        "en": "The nightly import has not run for {hours} hours (limit {max} hours).",
    },
    "status.rows_rejected": {
        "nb": "Siste import avviste {n} rader; rapporten viser hvilke.",
        "en": "The last import rejected {n} rows; its report shows which.",
    },
    "ops.no_folder": {"nb": "Fant ingen mappe {path}.", "en": "No folder {path}."},
    "dropfolder.not_writable": {"nb": "Kan ikke skrive i mappen {path}: {reason}", "en": "Cannot write in the folder {path}: {reason}"},
    "dropfolder.busy": {
        "nb": "En annen import fra {path} kjører allerede; prøv igjen når den er ferdig.",
        "en": "Another import from {path} is already running; try again when it has finished.",
    },
    "dropfolder.move_failed": {"nb": "Kunne ikke flytte {path}: {reason}", "en": "Could not move {path}: {reason}"},
    "dropfolder.not_recorded": {
        "nb": "Kjøringen ble ikke registrert i databasen: {reason}",
        "en": "The run was not recorded in the database: {reason}",
    },
    "dropfolder.outcome.imported": {"nb": "importert", "en": "imported"},
    "dropfolder.outcome.refused": {"nb": "avvist", "en": "refused"},
    "dropfolder.outcome.waiting": {"nb": "venter (fila skrives fortsatt)", "en": "waiting (the file is still being written)"},
    "dropfolder.outcome.failed": {"nb": "ikke lagret, prøves igjen neste gang", "en": "not stored, tried again next time"},
    "dropfolder.line": {"nb": "{file}: {outcome}{detail}{where}", "en": "{file}: {outcome}{detail}{where}"},
    "dropfolder.line_detail": {
        "nb": " (import nr. {batch}: {imported} lagret, {rejected} avvist, {duplicate} duplikater)",
        "en": " (import {batch}: {imported} stored, {rejected} rejected, {duplicate} duplicates)",
    },
    "dropfolder.summary": {
        "nb": "{folder}: {imported} importert, {refused} avvist, {failed} ikke lagret, {waiting} venter.",
        "en": "{folder}: {imported} imported, {refused} refused, {failed} not stored, {waiting} waiting.",
    },
    "dropfolder.report_heading": {"nb": "Feltkart-import av {file}, {at}", "en": "Feltkart import of {file}, {at}"},
    "retention.bad_periods": {
        "nb": "Ugyldig periode «{value}»: bruk tall og enhet, f.eks. 7d,4w (d dager, w uker, m måneder, y år).",
        "en": "Invalid period '{value}': use a number and a unit, e.g. 7d,4w (d days, w weeks, m months, y years).",
    },
    "retention.done": {
        "nb": "Slettet {notes} trendnotater med periode før {notes_before} og {audit} loggoppføringer før {audit_before}.",
        "en": "Deleted {notes} trend notes with a period before {notes_before} and {audit} audit entries before {audit_before}.",
    },
    "retention.done_dry": {
        "nb": "Prøvekjøring: ville slettet {notes} trendnotater med periode før {notes_before} og {audit} loggoppføringer før {audit_before}.",
        "en": "Dry run: would delete {notes} trend notes with a period before {notes_before} and {audit} audit entries before {audit_before}.",
    },
    "retention.archived": {"nb": "Det slettede er arkivert i {path}.", "en": "What was deleted is archived in {path}."},
    "retention.archive_failed": {
        "nb": "Kunne ikke skrive arkivfila {path} ({reason}); ingenting ble slettet.",
        "en": "Could not write the archive file {path} ({reason}); nothing was deleted.",
    },
})
# --- end operations ---


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
    return format_decimal(round(value), locale=LOCALES[lang])


def fmt_decimal(value: float, lang: str = "nb", decimals: int = 1) -> str:
    """1234.56 -> '1 234,6' in nb."""
    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=LOCALES[lang])


def fmt_date(value: date, lang: str = "nb") -> str:
    """27.11.2026 in nb, 27/11/2026 in en."""
    return format_date(value, "dd.MM.yyyy" if lang == "nb" else "dd/MM/yyyy", locale=LOCALES[lang])


def fmt_datetime(value: datetime, lang: str = "nb") -> str:
    """27.11.2026 14:05 in nb, 27/11/2026 14:05 in en (Oslo wall-clock times are stored as such)."""
    return f"{fmt_date(value, lang)} {value:%H:%M}"


def fmt_pct(share: float, lang: str = "nb", signed: bool = True, decimals: int = 1) -> str:
    """0.417 -> '+41,7 %' in nb, '+41.7%' in en."""
    text = format_decimal(abs(share) * 100, format="#,##0" + ("." + "0" * decimals if decimals else ""),
                          locale=LOCALES[lang])
    sign = ("+" if share > 0 else "−" if share < 0 else "±") if signed else ("−" if share < 0 else "")
    return f"{sign}{text}\u00a0%" if lang == "nb" else f"{sign}{text}%"
