-- name: followup_street_school_hits
-- Street and school outreach hits in a period: the top of the follow-up funnel.
-- params: start_ts, end_ts
SELECT coalesce(sum(youth_count), 0)::BIGINT AS hits
FROM contacts
WHERE occurred_at >= $start_ts AND occurred_at < $end_ts AND channel IN ('street', 'school')
