-- name: places
-- All hotspots with their area, in area order then by name; retired ones have retired_at set.
-- params: none
SELECT h.id, h.name, h.kind, h.area_id, a.name AS area_name, h.lat, h.lon, h.approximate, h.source, h.retired_at
FROM hotspots h
JOIN areas a ON a.id = h.area_id
ORDER BY a.sort_order, h.name
