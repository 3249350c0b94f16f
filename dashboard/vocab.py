"""The fixed vocabularies: stable ids used in the database, URLs, imports and exports.

Each vocabulary maps an id to its Norwegian and English label. Ids never change; labels may.
"""

from types import MappingProxyType

AREA_IDS = (
    "skedsmokorset",
    "skjetten-strommen",
    "fetsund",
    "frogner-leirsund",
    "sorumsand",
    "lillestrom-sentrum-kjeller",
    "lillestrom-stasjon",
)


def _vocab(entries: dict[str, tuple[str, str]]) -> MappingProxyType:
    return MappingProxyType({key: {"nb": nb, "en": en} for key, (nb, en) in entries.items()})


CHANNELS = _vocab({
    "street": ("Gatefelt", "Street"),
    "school": ("Skolefelt", "School"),
    "internet": ("Internett", "Internet"),
    "social": ("Sosiale medier", "Social media"),
    "gaming": ("Gaming", "Gaming"),
})
ONLINE_CHANNELS = ("internet", "social", "gaming")

AGE_BANDS = _vocab({
    "u13": ("Under 13 år", "Under 13"),
    "13-15": ("13–15 år", "13–15"),
    "16-18": ("16–18 år", "16–18"),
    "19-24": ("19–24 år", "19–24"),
    "unknown": ("Ukjent alder", "Age unknown"),
})

GENDERS = _vocab({
    "boy": ("Gutt", "Boy"),
    "girl": ("Jente", "Girl"),
    "other": ("Annet", "Other"),
    "unknown": ("Ukjent", "Unknown"),
})

HOTSPOT_KINDS = _vocab({
    "station": ("Stasjon", "Station"),
    "school": ("Skole", "School"),
    "park": ("Park", "Park"),
    "centre": ("Senter", "Shopping centre"),
    "sports": ("Idrettsanlegg", "Sports ground"),
    "beach": ("Badeplass", "Bathing spot"),
    "youth_club": ("Ungdomsklubb", "Youth club"),
    "residential": ("Boligområde", "Residential area"),
    "other": ("Annet sted", "Other place"),
})

NOTE_TAGS = _vocab({
    "drugs": ("Rus", "Drugs"),
    "alcohol": ("Alkohol", "Alcohol"),
    "vaping": ("Vape og snus", "Vaping and snus"),
    "violence": ("Vold", "Violence"),
    "crime": ("Kriminalitet", "Crime"),
    "language": ("Språkbruk", "Language"),
    "partying": ("Festing", "Partying"),
    "mental_health": ("Psykisk helse", "Mental health"),
    "school": ("Skole", "School"),
    "leisure": ("Fritid", "Leisure"),
    "gathering": ("Samlingssted", "Gathering place"),
    "concern": ("Bekymring", "Concern"),
    "other": ("Annet", "Other"),
})
RISK_TAGS = ("drugs", "alcohol", "violence", "crime")

COMPARISONS = _vocab({
    "previous": ("Forrige periode", "Previous period"),
    "last_year": ("Samme periode i fjor", "Same period last year"),
    "none": ("Ingen", "None"),
})

WEEKDAYS = _vocab({
    "1": ("mandag", "Monday"),
    "2": ("tirsdag", "Tuesday"),
    "3": ("onsdag", "Wednesday"),
    "4": ("torsdag", "Thursday"),
    "5": ("fredag", "Friday"),
    "6": ("lørdag", "Saturday"),
    "7": ("søndag", "Sunday"),
})
