-- name: real_imports
-- How many file imports (real registrations, not the demo) the database holds and has not undone.
-- params: none
SELECT count(*) AS imports FROM import_batches WHERE kind = 'file' AND undone_at IS NULL
