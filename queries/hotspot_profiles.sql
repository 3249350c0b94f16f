-- name: hotspot_profiles
-- For each hotspot with hits in the filter: hits by weekday and hour (profile = 'time') and by
-- age band (profile = 'age'), to describe its busiest time and age mix.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    hotspot_id,
    CASE WHEN grouping(age_band) = 0 THEN 'age' ELSE 'time' END AS profile,
    isodow(occurred_at) AS weekday,
    hour(occurred_at) AS hour,
    age_band,
    sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
WHERE hotspot_id IS NOT NULL
GROUP BY GROUPING SETS ((hotspot_id, isodow(occurred_at), hour(occurred_at)), (hotspot_id, age_band))
ORDER BY hotspot_id, profile
