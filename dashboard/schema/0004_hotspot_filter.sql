-- Migration 4: the shared filter also selects hotspots (a place's own page, HKH follow-up).
CREATE OR REPLACE MACRO filtered_contacts(start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders,
                                          channels) AS TABLE
    SELECT c.*, h.kind AS hotspot_kind
    FROM contacts c
    LEFT JOIN hotspots h ON h.id = c.hotspot_id
    WHERE c.occurred_at >= start_ts AND c.occurred_at < end_ts
      AND (len(area_ids) = 0 OR list_contains(area_ids, c.area_id))
      AND (len(hotspot_ids) = 0 OR list_contains(hotspot_ids, c.hotspot_id))
      AND (len(hotspot_kinds) = 0 OR list_contains(hotspot_kinds, h.kind))
      AND (len(age_bands) = 0 OR list_contains(age_bands, c.age_band))
      AND (len(genders) = 0 OR list_contains(genders, c.gender))
      AND (len(channels) = 0 OR list_contains(channels, c.channel));
