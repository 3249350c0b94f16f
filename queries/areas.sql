-- name: areas
-- The field areas with their GeoJSON geometry, in their own order.
-- params: none
SELECT id, name, sort_order, geometry_geojson, min_lon, min_lat, max_lon, max_lat
FROM areas
ORDER BY sort_order
