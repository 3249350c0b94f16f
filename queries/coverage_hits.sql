-- name: coverage_hits
-- Hits per field area, ISO weekday (1 = Monday) and hour on the Oslo clock, for the filter: the
-- demand side of hits per team-hour. Online contacts have no area and are left out.
-- Only cells with hits are returned.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    area_id,
    isodow(occurred_at) AS weekday,
    hour(occurred_at) AS hour,
    sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
WHERE area_id IS NOT NULL
GROUP BY ALL
ORDER BY area_id, weekday, hour
