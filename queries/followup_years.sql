-- name: followup_years
-- The years with follow-up figures (of imports not undone): how many months have any, and the
-- last month with figures.
-- params: none
SELECT year(f.month) AS year, count(DISTINCT f.month) AS months, max(f.month) AS last_month
FROM followup_figures f
WHERE f.batch_id NOT IN (SELECT id FROM import_batches WHERE undone_at IS NOT NULL)
GROUP BY year(f.month)
ORDER BY year
