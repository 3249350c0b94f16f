-- name: hits_by_hotspot_in_slots
-- Hits per hotspot for the filter, only in the chosen weekly time slots (weekday·100 + hour,
-- e.g. 521 = Friday 21:00–22:00; an empty list means all), busiest first.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels, slots
SELECT h.id AS hotspot_id, h.name, h.area_id, sum(c.youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels) AS c
JOIN hotspots h ON h.id = c.hotspot_id
WHERE len($slots) = 0 OR list_contains($slots, isodow(c.occurred_at) * 100 + hour(c.occurred_at))
GROUP BY ALL
ORDER BY hits DESC, h.name
