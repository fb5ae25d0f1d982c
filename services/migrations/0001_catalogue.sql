-- Catalogue: NHS England regions, the trust register, and published editions
-- of the self-assessment with the parts other tables refer to.

CREATE TABLE regions (
  code text PRIMARY KEY CHECK (code ~ '^Y[0-9]{2}$'),
  name text NOT NULL CHECK (name <> '')
);

CREATE TABLE trusts (
  ods_code    text PRIMARY KEY CHECK (ods_code ~ '^[A-Z0-9]{3,5}$'),
  name        text NOT NULL CHECK (name <> ''),
  region_code text NOT NULL REFERENCES regions (code),
  trust_type  text NOT NULL CHECK (trust_type <> ''),
  -- False once the trust has left the register (merged or closed); kept so
  -- that what refers to it stays valid.
  active      boolean NOT NULL DEFAULT true
);
CREATE INDEX trusts_region_idx ON trusts (region_code, ods_code) WHERE active;

CREATE TABLE editions (
  edition_id     text PRIMARY KEY CHECK (edition_id ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$'),
  title          text NOT NULL,
  publish_time   timestamptz NOT NULL DEFAULT clock_timestamp(),
  question_count integer NOT NULL CHECK (question_count > 0),
  content        jsonb NOT NULL,
  content_sha256 text NOT NULL
);
CREATE INDEX editions_publish_idx ON editions (publish_time DESC, edition_id DESC);

CREATE TABLE edition_sections (
  edition_id text NOT NULL REFERENCES editions (edition_id),
  section_id text NOT NULL CHECK (section_id <> ''),
  position   integer NOT NULL CHECK (position > 0),
  title      text NOT NULL,
  PRIMARY KEY (edition_id, section_id),
  UNIQUE (edition_id, position)
);

CREATE TABLE edition_questions (
  edition_id  text NOT NULL,
  question_id text NOT NULL CHECK (question_id <> ''),
  section_id  text NOT NULL,
  position    integer NOT NULL CHECK (position > 0),
  text        text NOT NULL CHECK (text <> ''),
  -- 1: a "yes" is a strength; 2: a "yes" is a gap (ahpl.v1.Polarity).
  polarity    smallint NOT NULL CHECK (polarity IN (1, 2)),
  PRIMARY KEY (edition_id, question_id),
  UNIQUE (edition_id, position),
  FOREIGN KEY (edition_id, section_id) REFERENCES edition_sections (edition_id, section_id)
);

CREATE TABLE edition_scale_points (
  edition_id text NOT NULL REFERENCES editions (edition_id),
  value      smallint NOT NULL CHECK (value > 0),
  code       text NOT NULL CHECK (code <> ''),
  label      text NOT NULL CHECK (label <> ''),
  PRIMARY KEY (edition_id, value),
  UNIQUE (edition_id, code)
);

-- A published edition never changes, even through a bug in a service.
CREATE FUNCTION ahpl_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'published editions never change (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER editions_immutable BEFORE UPDATE OR DELETE ON editions
  FOR EACH ROW EXECUTE FUNCTION ahpl_forbid_change();
CREATE TRIGGER edition_sections_immutable BEFORE UPDATE OR DELETE ON edition_sections
  FOR EACH ROW EXECUTE FUNCTION ahpl_forbid_change();
CREATE TRIGGER edition_questions_immutable BEFORE UPDATE OR DELETE ON edition_questions
  FOR EACH ROW EXECUTE FUNCTION ahpl_forbid_change();
CREATE TRIGGER edition_scale_points_immutable BEFORE UPDATE OR DELETE ON edition_scale_points
  FOR EACH ROW EXECUTE FUNCTION ahpl_forbid_change();
