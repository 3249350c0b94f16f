-- name: monthly_by_place
-- Hits per calendar month, field area and hotspot for the filter (free points and online contacts
-- have hotspot_id NULL; online contacts also area_id NULL).
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    CAST(date_trunc('month', occurred_at) AS DATE) AS month,
    area_id,
    hotspot_id,
    sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
GROUP BY ALL
ORDER BY month
