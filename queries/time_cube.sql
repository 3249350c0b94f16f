-- name: time_cube
-- Hits by month (1–12), ISO weekday (1 = Monday) and hour on the Oslo clock, for the filter and
-- a kind of day: day_type 'all', 'school' (school days) or 'free' (weekends and holidays).
-- Only cells with hits are returned; pages sum it into weekday × hour, month × hour, ... views.
-- params: start_ts, end_ts, area_ids, hotspot_ids, hotspot_kinds, age_bands, genders, channels, day_type
SELECT
    month(c.occurred_at) AS month,
    isodow(c.occurred_at) AS weekday,
    hour(c.occurred_at) AS hour,
    sum(c.youth_count)::BIGINT AS hits
FROM filtered_contacts($start_ts, $end_ts, $area_ids, $hotspot_ids, $hotspot_kinds, $age_bands, $genders, $channels) AS c
LEFT JOIN calendar_days d ON d.day = CAST(c.occurred_at AS DATE)
WHERE $day_type = 'all'
   OR ($day_type = 'school' AND coalesce(d.school_day, false))
   OR ($day_type = 'free' AND NOT coalesce(d.school_day, false))
GROUP BY ALL
ORDER BY month, weekday, hour
