-- Migration 8: the audit log — every write: who, when, what, and the values before and after.
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    id BIGINT NOT NULL DEFAULT nextval('audit_id_seq'),
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target VARCHAR,
    before_json VARCHAR,
    after_json VARCHAR
);
COMMENT ON TABLE audit_log IS 'Every write to the database (Europe/Oslo local time); never updated or deleted by the app';
