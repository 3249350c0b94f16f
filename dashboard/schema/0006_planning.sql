-- Migration 6: planning and follow-up — the patrol log, focus decisions and HKH follow-ups.

-- Which team covered which area in which shift. Hits per team-hour need this: a place visited
-- more often yields more hits. Times are Europe/Oslo wall-clock; a late shift ends after midnight.
CREATE SEQUENCE patrol_id_seq START 1;
CREATE TABLE patrols (
    id BIGINT NOT NULL DEFAULT nextval('patrol_id_seq'),
    team VARCHAR NOT NULL,
    area_id VARCHAR NOT NULL,
    shift VARCHAR NOT NULL CHECK (shift IN ('day', 'evening', 'late')),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    batch_id INTEGER NOT NULL,
    row_sha256 VARCHAR,
    CHECK (ended_at > started_at)
);
COMMENT ON TABLE patrols IS 'Patrol log: one row per team, area and shift (part of a shift when a team covered several areas)';

-- A planning meeting's decision: focus areas for a period, with its rationale and who decided.
CREATE SEQUENCE focus_decision_id_seq START 1;
CREATE TABLE focus_decisions (
    id INTEGER PRIMARY KEY DEFAULT nextval('focus_decision_id_seq'),
    decided_on DATE NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    decided_by VARCHAR NOT NULL,
    rationale VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (period_end >= period_start)
);
CREATE TABLE focus_decision_items (
    decision_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    area_id VARCHAR NOT NULL,
    hotspot_id VARCHAR,
    weekday INTEGER CHECK (weekday BETWEEN 1 AND 7),
    hour_from INTEGER CHECK (hour_from BETWEEN 0 AND 23),
    hour_to INTEGER CHECK (hour_to BETWEEN 0 AND 23),
    score DOUBLE,
    reasons VARCHAR
);
COMMENT ON COLUMN focus_decision_items.hour_to IS 'Last hour included; smaller than hour_from means the window passes midnight';

-- An HKH rapid mapping (Hurtig kartlegging og handling) and its action plan.
CREATE SEQUENCE hkh_mapping_id_seq START 1;
CREATE TABLE hkh_mappings (
    id INTEGER PRIMARY KEY DEFAULT nextval('hkh_mapping_id_seq'),
    title VARCHAR NOT NULL,
    mapped_on DATE NOT NULL,
    hotspot_ids VARCHAR[] NOT NULL,
    baseline_start DATE NOT NULL,
    baseline_end DATE NOT NULL,
    followup_start DATE NOT NULL,
    followup_end DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE hkh_action_id_seq START 1;
CREATE TABLE hkh_actions (
    id INTEGER PRIMARY KEY DEFAULT nextval('hkh_action_id_seq'),
    mapping_id INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    notes VARCHAR,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
