-- Assessment storage: trusts' returns and every version of each.
--
-- `returns` holds one row per return with the current version's facts in
-- narrow columns, for listing and aggregation by region and cycle;
-- `return_versions` holds every version's full content (an
-- ahpl.v1.AssessmentReturn, serialized) and who wrote it. Nothing is deleted.

CREATE TABLE returns (
  seq              bigserial PRIMARY KEY,
  id               uuid NOT NULL UNIQUE,
  trust_ods_code   text NOT NULL REFERENCES trusts (ods_code),
  cycle            text NOT NULL CHECK (cycle ~ '^[0-9]{4}-[0-9]{2}$'),
  edition_id       text NOT NULL REFERENCES editions (edition_id),
  -- ahpl.v1.ReturnStatus: 1 draft, 2 submitted, 3 withdrawn.
  status           smallint NOT NULL CHECK (status IN (1, 2, 3)),
  current_version  integer NOT NULL CHECK (current_version > 0),
  etag             text NOT NULL,
  -- Classification at submission (ahpl.v1.Typology, 0 until submitted).
  typology         smallint NOT NULL DEFAULT 0 CHECK (typology BETWEEN 0 AND 5),
  ruleset_version  text NOT NULL DEFAULT '',
  finding_codes    text[] NOT NULL DEFAULT '{}',
  -- The arrangement facts that are counted (ahpl.v1 enum values; 0 unset).
  has_senior_leader boolean NOT NULL DEFAULT false,
  band             smallint NOT NULL DEFAULT 0 CHECK (band BETWEEN 0 AND 6),
  board_relationship smallint NOT NULL DEFAULT 0 CHECK (board_relationship BETWEEN 0 AND 5),
  leader_title     text NOT NULL DEFAULT '',
  -- Ratings by question position in the edition; NULL where unanswered.
  ratings          smallint[] NOT NULL DEFAULT '{}'
                   CHECK (1 <= ALL (ratings) AND 10 >= ALL (ratings)),
  create_time      timestamptz NOT NULL DEFAULT clock_timestamp(),
  update_time      timestamptz NOT NULL DEFAULT clock_timestamp(),
  submit_time      timestamptz,
  CHECK ((status = 1) = (submit_time IS NULL)),
  CHECK (status = 1 OR typology > 0)
) WITH (fillfactor = 80);
-- Only columns a new version never changes are indexed, and pages keep room,
-- so a new version updates the row in place (a HOT update, no index writes).
CREATE INDEX returns_cycle_idx ON returns (cycle);
CREATE INDEX returns_trust_cycle_idx ON returns (trust_ods_code, cycle);

CREATE TABLE return_versions (
  return_seq     bigint NOT NULL REFERENCES returns (seq),
  version        integer NOT NULL CHECK (version > 0),
  status         smallint NOT NULL CHECK (status IN (1, 2, 3)),
  etag           text NOT NULL,
  -- The version's content: a serialized ahpl.v1.AssessmentReturn with its
  -- classification and change reason (name, version, etag and times come
  -- from the columns).
  content        bytea NOT NULL,
  -- Idempotency: the client's request id and a digest of what it asked for.
  request_id     text NOT NULL UNIQUE CHECK (request_id <> ''),
  request_digest text NOT NULL,
  written_by     text NOT NULL,
  change_reason  text NOT NULL DEFAULT '',
  write_time     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (return_seq, version)
);

-- Versions are history: never changed, never removed; returns are never
-- removed either (a withdrawn return is kept, marked withdrawn).
CREATE FUNCTION ahpl_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'return history is never changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER return_versions_immutable BEFORE UPDATE OR DELETE ON return_versions
  FOR EACH ROW EXECUTE FUNCTION ahpl_keep_history();
CREATE TRIGGER returns_never_deleted BEFORE DELETE ON returns
  FOR EACH ROW EXECUTE FUNCTION ahpl_keep_history();
