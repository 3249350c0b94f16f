-- name: time_cube
-- Hits by month (1–12), ISO weekday (1 = Monday) and hour on the Oslo clock, for the filter and
-- a kind of day: day_type 'all', 'school' (school days) or 'free' (weekends and holidays).
-- Only cells with hits are returned; pages sum it into weekday × hour, month × hour, ... views.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels, day_type
-- Performance: summed per day and hour first, so the calendar is joined to a few thousand rows.
WITH per_day_hour AS (
    SELECT CAST(occurred_at AS DATE) AS day, hour(occurred_at) AS hour, sum(youth_count) AS hits
    FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels)
    GROUP BY ALL
)
SELECT
    month(c.day) AS month,
    isodow(c.day) AS weekday,
    c.hour,
    sum(c.hits)::BIGINT AS hits
FROM per_day_hour AS c
LEFT JOIN calendar_days d ON d.day = c.day
WHERE $day_type = 'all'
   OR ($day_type = 'school' AND coalesce(d.school_day, false))
   OR ($day_type = 'free' AND NOT coalesce(d.school_day, false))
GROUP BY ALL
ORDER BY month, weekday, hour
