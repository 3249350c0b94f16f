-- name: hits_by_area
-- Hits per field area for the filter (online contacts have no area and are left out),
-- with the street and school field parts, in the areas' own order.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
SELECT
    a.id AS area_id, a.name AS area_name,
    coalesce(sum(c.youth_count), 0)::BIGINT AS hits,
    coalesce(sum(c.youth_count) FILTER (WHERE c.channel = 'street'), 0)::BIGINT AS hits_street,
    coalesce(sum(c.youth_count) FILTER (WHERE c.channel = 'school'), 0)::BIGINT AS hits_school
FROM areas a
LEFT JOIN filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels) AS c ON c.area_id = a.id
WHERE len($area_ids) = 0 OR list_contains($area_ids, a.id)
GROUP BY a.id, a.name, a.sort_order
ORDER BY a.sort_order
