-- Migration 2: trend notes can be archived, and carry a version for safe concurrent edits.
-- An edit names the version it started from; if someone saved in between, it is refused and the
-- writer is told (nothing is overwritten).
ALTER TABLE trend_notes ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE trend_notes ADD COLUMN version INTEGER DEFAULT 1;
UPDATE trend_notes SET version = 1 WHERE version IS NULL;
