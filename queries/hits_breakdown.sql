-- name: hits_breakdown
-- Hits for the filter broken down one dimension at a time: rows of (dimension, key, hits) for
-- dimension in channel, age_band, gender, area_id (online contacts have area_id NULL).
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    CASE
        WHEN grouping(channel) = 0 THEN 'channel'
        WHEN grouping(age_band) = 0 THEN 'age_band'
        WHEN grouping(gender) = 0 THEN 'gender'
        ELSE 'area_id'
    END AS dimension,
    coalesce(channel, age_band, gender, area_id) AS key,
    sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
GROUP BY GROUPING SETS ((channel), (age_band), (gender), (area_id))
ORDER BY dimension, key
