-- name: patrol_log
-- Patrols that started in the filter's period (start_ts <= started_at < end_ts) in the filter's
-- areas: team, area, shift, start and end on the Oslo clock, and the length in hours.
-- params: start_ts, end_ts, area_ids
SELECT
    id, team, area_id, shift, started_at, ended_at,
    epoch(ended_at - started_at) / 3600.0 AS team_hours,
    batch_id
FROM patrols
WHERE started_at >= $start_ts AND started_at < $end_ts
  AND (len($area_ids) = 0 OR list_contains($area_ids, area_id))
ORDER BY started_at, team, area_id
