-- name: density_cells
-- Registrations with their own coordinates (no hotspot), binned in SQL into cells of about
-- cell_m metres (degrees at latitude 60°, fine for Norway), busiest first and at most max_cells of
-- them: the map's density layer never gets raw points, however much data there is.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels, cell_m, max_cells
WITH binned AS (
    SELECT
        floor(lat / ($cell_m / 111320.0)) AS row_index,
        floor(lon / ($cell_m / 55660.0)) AS col_index,
        sum(youth_count) AS hits
    FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
    WHERE hotspot_id IS NULL AND lon IS NOT NULL
    GROUP BY ALL
)
SELECT
    (col_index + 0.5) * ($cell_m / 55660.0) AS lon,
    (row_index + 0.5) * ($cell_m / 111320.0) AS lat,
    hits::BIGINT AS hits
FROM binned
ORDER BY hits DESC
LIMIT $max_cells
