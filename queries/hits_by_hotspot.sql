-- name: hits_by_hotspot
-- Hits per hotspot for the filter, busiest first, with the hotspot's place facts.
-- Hotspots without hits in the filter are left out.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    h.id AS hotspot_id, h.name, h.kind, h.area_id, a.name AS area_name, h.lon, h.lat, h.approximate,
    sum(c.youth_count)::BIGINT AS hits,
    count(*) AS registrations
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels) AS c
JOIN hotspots h ON h.id = c.hotspot_id
JOIN areas a ON a.id = h.area_id
GROUP BY ALL
ORDER BY hits DESC, h.name
