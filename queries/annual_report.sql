-- name: annual_report
-- The annual report's per-area "Sted / Antall treff" tables for one year: every report row with
-- its hits. A hit counts in the row naming its hotspot and channel, else in its area's row for
-- the channel that names no hotspot; hits matching no row are "not broken down" (see
-- annual_report_unallocated).
-- params: year_start, year_end
WITH hits AS (
    SELECT area_id, channel, hotspot_id, sum(youth_count) AS hits
    FROM contacts
    WHERE occurred_at >= $year_start AND occurred_at < $year_end
    GROUP BY ALL
),
own_rows AS (
    SELECT hotspot_id, channel FROM report_rows WHERE hotspot_id IS NOT NULL
)
SELECT
    a.name AS area, r.label AS row, coalesce(sum(h.hits), 0)::BIGINT AS hits,
    r.area_id, r.position, r.channel, r.hotspot_id
FROM report_rows r
JOIN areas a ON a.id = r.area_id
LEFT JOIN hits h
    ON h.channel = r.channel
   AND h.area_id = r.area_id
   AND (h.hotspot_id = r.hotspot_id
        OR (r.hotspot_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM own_rows o WHERE o.hotspot_id = h.hotspot_id AND o.channel = h.channel)))
GROUP BY a.name, a.sort_order, r.label, r.area_id, r.position, r.channel, r.hotspot_id
ORDER BY a.sort_order, r.position
