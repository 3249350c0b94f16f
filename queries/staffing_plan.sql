-- name: staffing_plan
-- The staffing plan: field teams per weekday and shift, for each season.
-- params: none
SELECT season, weekday, shift, shift_start, shift_end, teams_min, teams_max
FROM staffing_plan
ORDER BY season DESC, weekday, shift_start
