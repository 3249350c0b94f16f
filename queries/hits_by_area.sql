-- name: hits_by_area
-- Hits per field area for the filter (online contacts have no area and are left out),
-- with the street and school field parts, in the areas' own order.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels
-- Performance: the registrations are summed per area first, then joined to the few areas.
WITH per_area AS (
    SELECT
        area_id,
        sum(youth_count) AS hits,
        sum(youth_count) FILTER (WHERE channel = 'street') AS hits_street,
        sum(youth_count) FILTER (WHERE channel = 'school') AS hits_school
    FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
    WHERE area_id IS NOT NULL
    GROUP BY area_id
)
SELECT
    a.id AS area_id, a.name AS area_name,
    coalesce(c.hits, 0)::BIGINT AS hits,
    coalesce(c.hits_street, 0)::BIGINT AS hits_street,
    coalesce(c.hits_school, 0)::BIGINT AS hits_school
FROM areas a
LEFT JOIN per_area AS c ON c.area_id = a.id
WHERE len($area_ids) = 0 OR list_contains($area_ids, a.id)
ORDER BY a.sort_order
