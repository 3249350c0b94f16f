-- name: patrol_days
-- Logged team-hours per day a patrol started (Oslo clock), for planned against logged per week or
-- month: one row per day instead of one per patrol, however long the log (365 000 patrols a year
-- in the 10 M benchmark).
-- params: start_ts, end_ts, area_ids
SELECT
    started_at::DATE AS day,
    sum(epoch(ended_at - started_at)) / 3600.0 AS team_hours
FROM patrols
WHERE started_at >= $start_ts AND started_at < $end_ts
  AND (len($area_ids) = 0 OR list_contains($area_ids, area_id))
GROUP BY ALL
ORDER BY day
