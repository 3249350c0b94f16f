-- Migration 1: the initial Feltkart schema.
--
-- No table holds the name of a young person. Registrations are anonymous team tallies.
-- Times are Europe/Oslo local wall-clock TIMESTAMPs (no time zone), so that hour-of-day is what
-- a field worker saw on the clock, also across daylight-saving changes.
-- Vocabulary columns are plain VARCHARs with CHECK constraints (stable ids used in URLs, imports
-- and exports). There are no foreign keys: DuckDB implements UPDATE of a referenced row as
-- delete + insert, which foreign keys refuse; references are validated where data comes in.

CREATE TABLE meta (
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);
INSERT INTO meta VALUES ('data_version', '0');

CREATE TABLE areas (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL,
    geometry_geojson VARCHAR NOT NULL,
    min_lon DOUBLE NOT NULL,
    min_lat DOUBLE NOT NULL,
    max_lon DOUBLE NOT NULL,
    max_lat DOUBLE NOT NULL
);
COMMENT ON COLUMN areas.geometry_geojson IS 'GeoJSON geometry (WGS84) of the field area; bbox columns allow filtering in SQL';

CREATE TABLE hotspots (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('station', 'school', 'park', 'centre', 'sports', 'beach',
                                          'youth_club', 'residential', 'other')),
    area_id VARCHAR NOT NULL,
    lon DOUBLE NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat DOUBLE NOT NULL CHECK (lat BETWEEN -90 AND 90),
    approximate BOOLEAN NOT NULL DEFAULT false,
    source VARCHAR
);

-- How the annual report groups hits: a hit counts in the row naming its hotspot and channel,
-- else in its area's row for the channel without a hotspot, else it is not broken down.
CREATE TABLE report_rows (
    area_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    hotspot_id VARCHAR,
    PRIMARY KEY (area_id, position)
);

CREATE SEQUENCE import_batch_id_seq START 1;
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY DEFAULT nextval('import_batch_id_seq'),
    kind VARCHAR NOT NULL CHECK (kind IN ('demo', 'file')),
    source_name VARCHAR NOT NULL,
    file_sha256 VARCHAR,
    created_at TIMESTAMP NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    undone_at TIMESTAMP
);
COMMENT ON COLUMN import_batches.created_at IS 'Europe/Oslo local time';

CREATE SEQUENCE contact_id_seq START 1;
CREATE TABLE contacts (
    id BIGINT NOT NULL DEFAULT nextval('contact_id_seq'),
    occurred_at TIMESTAMP NOT NULL,
    hotspot_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    area_id VARCHAR,
    channel VARCHAR NOT NULL CHECK (channel IN ('street', 'school', 'internet', 'social', 'gaming')),
    age_band VARCHAR NOT NULL CHECK (age_band IN ('u13', '13-15', '16-18', '19-24', 'unknown')),
    gender VARCHAR NOT NULL CHECK (gender IN ('boy', 'girl', 'other', 'unknown')),
    youth_count INTEGER NOT NULL CHECK (youth_count > 0),
    team VARCHAR,
    batch_id INTEGER NOT NULL,
    row_sha256 VARCHAR,
    CHECK (channel IN ('internet', 'social', 'gaming') OR area_id IS NOT NULL),
    CHECK ((lon IS NULL) = (lat IS NULL))
);
COMMENT ON TABLE contacts IS 'One team tally: youth met by one team at one place and time slot, per age band and gender. No names.';
COMMENT ON COLUMN contacts.occurred_at IS 'Start of the time slot, Europe/Oslo local wall-clock time (no time zone)';
COMMENT ON COLUMN contacts.hotspot_id IS 'The hotspot, or NULL for a free point (lon/lat) or an online contact';
COMMENT ON COLUMN contacts.area_id IS 'Field area; NULL only for online channels';

CREATE SEQUENCE trend_note_id_seq START 1;
CREATE TABLE trend_notes (
    id INTEGER PRIMARY KEY DEFAULT nextval('trend_note_id_seq'),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    area_id VARCHAR,
    hotspot_id VARCHAR,
    tags VARCHAR[] NOT NULL DEFAULT [],
    body VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    shareable BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (period_end >= period_start)
);
COMMENT ON COLUMN trend_notes.author IS 'Staff member or team who wrote the note (never a young person)';
COMMENT ON COLUMN trend_notes.shareable IS 'May be shown to partners (SLT); other notes stay internal';

CREATE TABLE staffing_plan (
    season VARCHAR NOT NULL CHECK (season IN ('winter', 'summer')),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    shift VARCHAR NOT NULL CHECK (shift IN ('day', 'evening', 'late')),
    shift_start TIME NOT NULL,
    shift_end TIME NOT NULL,
    teams_min INTEGER NOT NULL CHECK (teams_min >= 0),
    teams_max INTEGER NOT NULL,
    PRIMARY KEY (season, weekday, shift),
    CHECK (teams_max >= teams_min)
);
COMMENT ON COLUMN staffing_plan.weekday IS 'ISO weekday, 1 = Monday';
COMMENT ON COLUMN staffing_plan.shift_end IS 'Local time; earlier than shift_start means the shift ends after midnight';

-- Every page filters registrations the same way: one definition, inlined by DuckDB.
CREATE MACRO filtered_contacts(start_ts, end_ts, area_ids, hotspot_kinds, age_bands, genders, channels) AS TABLE
    SELECT c.*, h.kind AS hotspot_kind
    FROM contacts c
    LEFT JOIN hotspots h ON h.id = c.hotspot_id
    WHERE c.occurred_at >= start_ts AND c.occurred_at < end_ts
      AND (len(area_ids) = 0 OR list_contains(area_ids, c.area_id))
      AND (len(hotspot_kinds) = 0 OR list_contains(hotspot_kinds, h.kind))
      AND (len(age_bands) = 0 OR list_contains(age_bands, c.age_band))
      AND (len(genders) = 0 OR list_contains(genders, c.gender))
      AND (len(channels) = 0 OR list_contains(channels, c.channel));
