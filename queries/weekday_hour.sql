-- name: weekday_hour
-- Hits by ISO weekday (1 = Monday) and hour of the day on the Oslo clock, for the filter.
-- Only cells with hits are returned.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    isodow(occurred_at) AS weekday,
    hour(occurred_at) AS hour,
    sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
GROUP BY ALL
ORDER BY weekday, hour
