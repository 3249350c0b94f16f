"""A dozen demo trend notes, written for Feltkart from the observations in the 2023 report.

Each is (period start, period end, area id, hotspot id, tags, text, author, shareable).
Authors are teams or roles, never people; the text names no young person.
"""

from datetime import date

DEMO_NOTES = [
    (date(2023, 3, 1), date(2023, 6, 30), "skjetten-strommen", None, ("vaping",),
     "Flere ungdommer bruker e-sigaretter (vape) enn før, også de yngste på ungdomsskolen. "
     "Vi snakker med dem om helse og avhengighet når temaet kommer opp.",
     "Feltteam Skjetten/Strømmen", True),
    (date(2023, 4, 1), date(2023, 9, 30), "sorumsand", None, ("vaping",),
     "Vape er blitt vanlig i ungdomsmiljøene på Sørumsand og i Fetsund. Foreldreutvalget på "
     "Riddersand ba om en samtale om vape, tobakk og alkohol, som vi holdt i juni.",
     "Feltteam Sørumsand/Fetsund", True),
    (date(2023, 1, 1), date(2023, 12, 31), "skjetten-strommen", None, ("drugs", "concern"),
     "Noen yngre ungdommer forteller at cannabis og piller er lettere å få tak i. Vi følger "
     "med, og tar det opp med forebyggende politi i SLT.",
     "Feltteam Skjetten/Strømmen", False),
    (date(2023, 1, 1), date(2023, 12, 31), "skjetten-strommen", "strommen-storsenter", ("language",),
     "Tonen mellom ungdommene er ofte hard og nedsettende, også overfor voksne. Vi setter ord på "
     "det og viser en annen måte å snakke på.",
     "Feltteam Skjetten/Strømmen", True),
    (date(2023, 5, 1), date(2023, 8, 31), "sorumsand", "bingsfoss-stranda", ("partying", "alcohol"),
     "Mindre festing på Bingsfoss-stranda enn tidligere somre, men fortsatt noe fra våren og "
     "utover sommeren. Mange ungdommer treffes også ved idrettsparken, biblioteket og Fokus senter.",
     "Feltteam Sørumsand/Fetsund", True),
    (date(2024, 6, 1), date(2024, 8, 31), "sorumsand", "bingsfoss-stranda", ("partying",),
     "Stranda har vært roligere enn i fjor sommer; festene har flyttet seg andre steder eller "
     "blitt færre. Vi bruker kveldene mer ved stasjonen og Fokus senter.",
     "Feltteam Sørumsand/Fetsund", True),
    (date(2023, 1, 1), date(2023, 12, 31), "fetsund", "hovinhogda-skole", ("gathering",),
     "Langt færre ungdommer henger ved Hovinhøgda skole etter skoletid enn året før. På sommeren "
     "er badeplassene Tientjern, Hvalstjern og Gansvika mest besøkt; på Garderåsen samles de ved "
     "skolen, butikken og basketballbanen.",
     "Feltteam Sørumsand/Fetsund", True),
    (date(2023, 2, 1), date(2023, 10, 31), "frogner-leirsund", "frogner-stasjon", ("leisure", "gathering"),
     "Ungdomsklubben på Frogner har vært stengt en periode, og flere ungdommer samles rundt "
     "sentrum og stasjonen. Klubben åpner igjen. Leirsund er rolig; der treffer vi ungdom mest "
     "på Asak ungdomsklubb.",
     "Feltteam Frogner/Leirsund", True),
    (date(2023, 9, 1), date(2023, 12, 31), "lillestrom-sentrum-kjeller", "kjeller-skole", ("leisure", "concern"),
     "Kjeller mangler fritidstilbud, så mange ungdommer samles ved Kjeller skole om kveldene. "
     "Etter noen hendelser har vi vært mye til stede i boligområdene i høst.",
     "Feltteam Lillestrøm sentrum/Kjeller", False),
    (date(2024, 9, 1), date(2025, 3, 31), "lillestrom-sentrum-kjeller", "kjeller-skole", ("gathering",),
     "Kveldene på Kjeller er fortsatt travle, med flere ungdommer enn i fjor. Vi har lagt flere "
     "kveldsrunder hit og snakker med skolen om et tilbud i gymsalen.",
     "Feltteam Lillestrøm sentrum/Kjeller", True),
    (date(2023, 1, 1), date(2023, 12, 31), "skedsmokorset", None, ("concern", "gathering"),
     "Skedsmokorset er ekstra fokusområde etter bekymring fra ungdom og naboer om enkelthendelser. "
     "Ungdommene møtes på Skedsmo stadion, ved skolene og på parkeringsplassene ved butikkene.",
     "Feltteam Skedsmokorset", True),
    (date(2023, 1, 1), date(2023, 12, 31), "lillestrom-stasjon", "lillestrom-stasjon", ("drugs", "violence"),
     "Stasjonen er det klart største treffstedet vårt, med ungdom fra hele regionen. HKH-kartleggingen "
     "her og ved Strømmen Storsenter kom etter bekymring for rus og vold.",
     "OUT ledelse", False),
    (date(2025, 1, 1), date(2025, 12, 31), "skjetten-strommen", "strommen-storsenter", ("gathering", "crime"),
     "Flere ungdommer ved Strømmen Storsenter på fredagskveldene; senteret har merket mer naskeri. "
     "Vi går oftere innom, sammen med senterets vektere.",
     "Feltteam Skjetten/Strømmen", False),
    (date(2026, 1, 1), date(2026, 6, 30), "lillestrom-stasjon", "lillestrom-stasjon", ("violence",),
     "Litt roligere på stasjonen i vinter og vår etter tiltakene fra HKH-handlingsplanen (bedre "
     "belysning, vektere og voksne til stede på fredagskvelder).",
     "OUT ledelse", True),
]
