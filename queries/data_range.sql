-- name: data_range
-- The first and last day with registrations, and how many registrations there are.
-- params: none
SELECT CAST(min(occurred_at) AS DATE) AS first_day, CAST(max(occurred_at) AS DATE) AS last_day,
       count(*) AS registrations
FROM contacts
