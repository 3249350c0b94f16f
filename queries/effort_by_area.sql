-- name: effort_by_area
-- Logged team-hours per area from the patrol log within start_ts..end_ts (patrols crossing the
-- period's edges count only their part inside it). Areas without patrols are left out.
-- params: start_ts, end_ts, area_ids
SELECT
    area_id,
    sum(epoch(least(ended_at, $end_ts) - greatest(started_at, $start_ts))) / 3600.0 AS team_hours,
    count(*) AS patrols
FROM patrols
WHERE started_at < $end_ts AND ended_at > $start_ts
  AND (len($area_ids) = 0 OR list_contains($area_ids, area_id))
GROUP BY area_id
ORDER BY area_id
