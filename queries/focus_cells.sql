-- name: focus_cells
-- Hits for the filter by area, hotspot (NULL for free points), ISO weekday, hour on the Oslo clock
-- and whether the youth were under 16 (age bands u13 and 13-15), for ranking focus windows.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    c.area_id,
    c.hotspot_id,
    isodow(c.occurred_at) AS weekday,
    hour(c.occurred_at) AS hour,
    sum(c.youth_count)::BIGINT AS hits,
    coalesce(sum(c.youth_count) FILTER (WHERE c.age_band IN ('u13', '13-15')), 0)::BIGINT AS hits_under_16
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels) AS c
WHERE c.area_id IS NOT NULL
GROUP BY ALL
