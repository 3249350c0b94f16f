-- name: annual_report_unallocated
-- Street and school hits of one year that no annual report row covers, per channel.
-- params: year_start, year_end
SELECT c.channel, sum(c.youth_count)::BIGINT AS hits
FROM contacts c
WHERE c.occurred_at >= $year_start AND c.occurred_at < $year_end
  AND c.channel IN ('street', 'school')
  AND NOT EXISTS (
      SELECT 1 FROM report_rows r
      WHERE r.channel = c.channel AND r.area_id = c.area_id
        AND (r.hotspot_id = c.hotspot_id
             OR (r.hotspot_id IS NULL AND NOT EXISTS (
                 SELECT 1 FROM report_rows o
                 WHERE o.hotspot_id = c.hotspot_id AND o.channel = c.channel)))
  )
GROUP BY c.channel
ORDER BY c.channel
