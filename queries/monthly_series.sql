-- name: monthly_series
-- Hits per calendar month and channel for the filter (months without hits are left out).
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    CAST(date_trunc('month', occurred_at) AS DATE) AS month,
    channel,
    sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
GROUP BY ALL
ORDER BY month, channel
