-- name: totals
-- Key figures for the filter: hits (youth met), registrations, active hotspots, hits of 13–15
-- year olds, hits online (internet and social media) and days with any registration.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    coalesce(sum(youth_count), 0)::BIGINT AS hits,
    count(*) AS registrations,
    count(DISTINCT hotspot_id) AS active_hotspots,
    coalesce(sum(youth_count) FILTER (WHERE age_band = '13-15'), 0)::BIGINT AS hits_13_15,
    coalesce(sum(youth_count) FILTER (WHERE age_band <> 'unknown'), 0)::BIGINT AS hits_known_age,
    coalesce(sum(youth_count) FILTER (WHERE channel IN ('internet', 'social')), 0)::BIGINT AS hits_online,
    count(DISTINCT CAST(occurred_at AS DATE)) AS active_days
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
