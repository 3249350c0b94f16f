-- name: patrol_hours
-- Logged team-hours per field area, ISO weekday (1 = Monday) and hour on the Oslo clock, for the
-- filter's period and areas. Each patrol is cut at the hour boundaries and at the period's ends,
-- and each piece counts as its share of an hour (a patrol 21:30–23:00 gives 0.5 to hour 21 and 1
-- to hour 22). A late shift's hours after midnight count on the next weekday, as in the plan.
-- params: start_ts, end_ts, area_ids
WITH clipped AS (
    SELECT area_id, greatest(started_at, $start_ts) AS s, least(ended_at, $end_ts) AS e
    FROM patrols
    WHERE started_at < $end_ts AND ended_at > $start_ts
      AND (len($area_ids) = 0 OR list_contains($area_ids, area_id))
),
pieces AS (
    SELECT area_id, s, e, unnest(range(date_trunc('hour', s), e, INTERVAL 1 HOUR)) AS hour_start
    FROM clipped
)
SELECT
    area_id,
    isodow(hour_start) AS weekday,
    hour(hour_start) AS hour,
    sum(epoch(least(e, hour_start + INTERVAL 1 HOUR) - greatest(s, hour_start)) / 3600.0) AS team_hours
FROM pieces
GROUP BY ALL
ORDER BY area_id, weekday, hour
