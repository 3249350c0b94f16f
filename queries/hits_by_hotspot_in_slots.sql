-- name: hits_by_hotspot_in_slots
-- Hits per hotspot for the filter, only in the chosen weekly time slots (weekday·100 + hour,
-- e.g. 521 = Friday 21:00–22:00; an empty list means all), busiest first.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels, slots
-- Performance: the registrations are summed per hotspot first, then joined to the places.
WITH per_hotspot AS (
    SELECT hotspot_id, sum(youth_count) AS hits
    FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
    WHERE hotspot_id IS NOT NULL
      AND (len($slots) = 0 OR list_contains($slots, isodow(occurred_at) * 100 + hour(occurred_at)))
    GROUP BY hotspot_id
)
SELECT h.id AS hotspot_id, h.name, h.area_id, c.hits::BIGINT AS hits
FROM per_hotspot AS c
JOIN hotspots h ON h.id = c.hotspot_id
ORDER BY hits DESC, h.name
