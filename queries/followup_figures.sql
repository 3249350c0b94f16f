-- name: followup_figures
-- Follow-up and collaboration figures (monthly aggregates, never a person) from month_start up
-- to but not including month_end: one row per month, measure and category. Figures of an undone
-- import are left out (feltkart undo stamps the batch; the rows go with the next follow-up import).
-- params: month_start, month_end
SELECT f.month, f.measure, f.category, sum(f.value)::BIGINT AS value
FROM followup_figures f
WHERE f.month >= CAST($month_start AS DATE) AND f.month < CAST($month_end AS DATE)
  AND f.batch_id NOT IN (SELECT id FROM import_batches WHERE undone_at IS NOT NULL)
GROUP BY f.month, f.measure, f.category
ORDER BY f.month, f.measure, f.category
