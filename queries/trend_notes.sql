-- name: trend_notes
-- Trend notes whose period overlaps start_date..end_date (inclusive), newest first. With areas
-- selected, only notes about those areas (directly or through their hotspot) and notes about the
-- whole municipality. shareable_only limits them to notes that may be shown to partners.
-- Archived notes are left out unless include_archived.
-- params: start_date, end_date, area_ids, shareable_only, include_archived
SELECT
    n.id, n.period_start, n.period_end,
    coalesce(n.area_id, h.area_id) AS area_id, a.name AS area_name,
    n.hotspot_id, h.name AS hotspot_name,
    n.tags, n.body, n.author, n.shareable, n.created_at, n.updated_at, n.archived_at, n.version
FROM trend_notes n
LEFT JOIN hotspots h ON h.id = n.hotspot_id
LEFT JOIN areas a ON a.id = coalesce(n.area_id, h.area_id)
WHERE n.period_start <= $end_date AND n.period_end >= $start_date
  AND (len($area_ids) = 0 OR coalesce(n.area_id, h.area_id) IS NULL
       OR list_contains($area_ids, coalesce(n.area_id, h.area_id)))
  AND (NOT $shareable_only OR n.shareable)
  AND ($include_archived OR n.archived_at IS NULL)
ORDER BY n.period_end DESC, n.updated_at DESC, n.id DESC
