-- Migration 3: a calendar of days, so that queries can tell school days from holidays.
-- Filled from dashboard.calendar_no (Norwegian public and school holidays) by the application.
CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    school_day BOOLEAN NOT NULL,
    public_holiday BOOLEAN NOT NULL,
    school_holiday BOOLEAN NOT NULL
);
