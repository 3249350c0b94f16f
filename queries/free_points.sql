-- name: free_points
-- Registrations that carry their own coordinates (no hotspot), for the density layer.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT lon, lat, sum(youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
WHERE hotspot_id IS NULL AND lon IS NOT NULL
GROUP BY ALL
