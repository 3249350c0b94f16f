-- Migration 5: imports keep their rejected rows, and hotspots can be retired.
--
-- A rejected row is kept with its reasons so it can be downloaded, fixed and imported again.
-- `raw` is the row as read (JSON of column -> text) without free-text comment columns, which may
-- name young people and are never stored.
CREATE TABLE import_rejections (
    batch_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    raw VARCHAR NOT NULL,
    errors VARCHAR NOT NULL
);
COMMENT ON COLUMN import_rejections.errors IS 'JSON list of {column, value, message} in Norwegian';

ALTER TABLE import_batches ADD COLUMN layout VARCHAR;
ALTER TABLE import_batches ADD COLUMN notices VARCHAR;

-- A retired hotspot keeps its history (registrations keep their place) but is no longer offered.
ALTER TABLE hotspots ADD COLUMN retired_at TIMESTAMP;
