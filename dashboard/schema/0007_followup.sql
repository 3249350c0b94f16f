-- Migration 7: follow-up and collaboration (oppfølging og samarbeid) as aggregated monthly figures.
--
-- Youth in individual follow-up, groups and referrals are registered by name in the case system
-- (SOMA). Feltkart never holds a person: only the monthly counts the case system reports, one row
-- per month, measure and category. There is no row per young person, no name, no case number.
--
-- Measures (stable ids; dashboard.followup.MEASURES has their labels):
--   conversations            individual follow-up conversations in the month (all of them,
--                            the anonymous ones included)
--   anonymous_conversations  of those, anonymous contacts (social media or phone); they are not
--                            among the unique youth
--   youth_month              unique youth in follow-up in the month, as the case system reports
--                            it per month. Months do NOT add up to a year: a young person followed
--                            up in March and in May counts in both months.
--   youth_year               unique youth in follow-up in the year (or so far in the year).
--                            Stored on the year's first month (January), because it is no sum of
--                            months.
--   group_participations     participations in group work, category = group type
--   group_youth_year         unique youth per group type in the year, on January (no sum of months)
--   gaming_anonymous         anonymous youth met through Monday gaming (contacts; additive)
--   referral_out             outgoing referral and collaboration (OUT contacts another service
--                            about a young person, with consent), category = service
--   collaboration_in         incoming collaboration (another service contacts OUT about a young
--                            person, with consent), category = service
--   referrals                referral and collaboration on behalf of youth, times in the month
--   referral_youth_year      unique youth referred or collaborated on, in the year, on January
--   anonymous_advice         advice to anonymous youth or parents about other services
--   general_inquiries        general inquiries without consent to share about a young person;
--                            category '' or a service
--   concern_reports          concern reports (bekymringsmeldinger) sent to child welfare
--   info_requests            information requests from child welfare that OUT answered
--   ung_i_jobb_youth         youth in an Ung i jobb work placement during the month: a level (at
--                            most about 5 at a time), not a sum; a year shows its highest month
--
-- category is '' when the measure has none. Services and group types are stable slugs with
-- Norwegian labels in dashboard.followup (SERVICES, GROUP_TYPES).
--
-- A month holds at most one row per (month, measure, category): dashboard.followup enforces it
-- where data comes in (a file that gives another value for a stored figure has that line
-- rejected), not with a UNIQUE index, because DuckDB checks unique keys eagerly within a
-- transaction. Imports are batches in import_batches with kind 'file' and layout 'followup';
-- row_sha256 (of month|measure|category|value) makes a re-import add nothing.
CREATE TABLE followup_figures (
    month DATE NOT NULL CHECK (day(month) = 1),
    measure VARCHAR NOT NULL CHECK (measure IN (
        'conversations', 'anonymous_conversations', 'youth_month', 'youth_year',
        'group_participations', 'group_youth_year', 'gaming_anonymous',
        'referral_out', 'collaboration_in', 'referrals', 'referral_youth_year', 'anonymous_advice',
        'general_inquiries', 'concern_reports', 'info_requests', 'ung_i_jobb_youth')),
    category VARCHAR NOT NULL DEFAULT '',
    value INTEGER NOT NULL CHECK (value >= 0),
    batch_id INTEGER NOT NULL,
    row_sha256 VARCHAR,
    CHECK (CASE
        WHEN measure IN ('referral_out', 'collaboration_in') THEN category IN (
            'barnevernstjenesten', 'barnevernsinstitusjon', 'foresatte', 'friomsorgen',
            'oppfolgingstjenesten', 'konfliktradet', 'psykisk-helse-og-familiestotte', 'skole', 'politi',
            'andre-oppsokende-tjenester', 'fritid-med-bistand', 'andre-frivillige-organisasjoner',
            'bup-dps', 'ung-i-jobb', 'tidlig-inn', 'helsestasjon-for-ungdom', 'familieteamet', 'rustjeneste')
        WHEN measure = 'general_inquiries' THEN category IN (
            '', 'barnevernstjenesten', 'barnevernsinstitusjon', 'foresatte', 'friomsorgen',
            'oppfolgingstjenesten', 'konfliktradet', 'psykisk-helse-og-familiestotte', 'skole', 'politi',
            'andre-oppsokende-tjenester', 'fritid-med-bistand', 'andre-frivillige-organisasjoner',
            'bup-dps', 'ung-i-jobb', 'tidlig-inn', 'helsestasjon-for-ungdom', 'familieteamet', 'rustjeneste')
        WHEN measure IN ('group_participations', 'group_youth_year') THEN category IN (
            'jente-og-guttegrupper', 'livsmestring', 'gaming')
        ELSE category = '' END),
    CHECK (measure NOT IN ('youth_year', 'group_youth_year', 'referral_youth_year') OR month(month) = 1)
);
COMMENT ON TABLE followup_figures IS 'Monthly aggregated follow-up and collaboration figures from the case system. Never a person.';
COMMENT ON COLUMN followup_figures.month IS 'First day of the month';
COMMENT ON COLUMN followup_figures.value IS 'A count; for *_year measures the year''s unique youth, stored on January';
