-- Summary counts kept as returns are written, so that a summary is a
-- GROUP BY over a small table however many returns there are.
--
-- One row per cycle, trust, edition and counted fact of the submitted
-- returns (status 2): kind 0 returns; 1 typology; 2 band of the most senior
-- leader ('none' without a post); 3 board relationship; 4 normalised leader
-- title; 5 finding code; 6 rating ('position:rating'); 7 returns with a
-- leader; 8 leaders at 8c or above; 9 returns naming a leader title. Rating
-- keys are 'question_id:rating', resolved through the edition's questions.
-- Statement-level triggers over transition tables keep it in step with
-- `returns` in the same transaction: a COPY batch costs one aggregate.

CREATE TABLE return_counts (
  cycle          text NOT NULL,
  trust_ods_code text NOT NULL REFERENCES trusts (ods_code),
  edition_id     text NOT NULL REFERENCES editions (edition_id),
  kind           smallint NOT NULL CHECK (kind BETWEEN 0 AND 9),
  key            text NOT NULL,
  -- No CHECK (n >= 0): PostgreSQL checks the row an upsert proposes before
  -- it finds the conflict, and a decrement is proposed as a negative row.
  n              bigint NOT NULL,
  PRIMARY KEY (cycle, trust_ods_code, edition_id, kind, key)
);

CREATE FUNCTION ahpl_return_facts(edition text, typology smallint, has_leader boolean,
                                  band smallint, relationship smallint, title text,
                                  findings text[], ratings smallint[])
RETURNS TABLE (kind smallint, key text) LANGUAGE sql STABLE AS $$
  SELECT 0::smallint, ''
  UNION ALL SELECT 1::smallint, typology::text
  UNION ALL SELECT 2::smallint, CASE WHEN has_leader THEN band::text ELSE 'none' END
  UNION ALL SELECT 3::smallint, relationship::text WHERE has_leader
  UNION ALL SELECT 4::smallint, t FROM
    (SELECT btrim(regexp_replace(lower(title), '[^[:alnum:]]+', ' ', 'g')) AS t) normalised
    WHERE t <> ''
  UNION ALL SELECT 5::smallint, f FROM unnest(findings) AS f
  UNION ALL SELECT 6::smallint, q.question_id || ':' || a.rating
    FROM unnest(ratings) WITH ORDINALITY AS a(rating, position)
    JOIN edition_questions q ON q.edition_id = edition AND q.position = a.position
    WHERE a.rating IS NOT NULL
  UNION ALL SELECT 7::smallint, '' WHERE has_leader
  UNION ALL SELECT 8::smallint, '' WHERE has_leader AND band >= 4
  UNION ALL SELECT 9::smallint, '' WHERE title <> ''
$$;

CREATE FUNCTION ahpl_count_inserted_returns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO return_counts AS c (cycle, trust_ods_code, edition_id, kind, key, n)
  SELECT r.cycle, r.trust_ods_code, r.edition_id, f.kind, f.key, count(*)
  FROM inserted_returns r
  CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, r.typology, r.has_senior_leader, r.band,
                                       r.board_relationship, r.leader_title, r.finding_codes,
                                       r.ratings) AS f
  WHERE r.status = 2
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (cycle, trust_ods_code, edition_id, kind, key) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$;

CREATE FUNCTION ahpl_count_updated_returns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO return_counts AS c (cycle, trust_ods_code, edition_id, kind, key, n)
  SELECT d.cycle, d.trust_ods_code, d.edition_id, d.kind, d.key, sum(d.delta)
  FROM (
    SELECT r.cycle, r.trust_ods_code, r.edition_id, f.kind, f.key, 1 AS delta
    FROM updated_returns r
    CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, r.typology, r.has_senior_leader, r.band,
                                         r.board_relationship, r.leader_title, r.finding_codes,
                                         r.ratings) AS f
    WHERE r.status = 2
    UNION ALL
    SELECT r.cycle, r.trust_ods_code, r.edition_id, f.kind, f.key, -1 AS delta
    FROM replaced_returns r
    CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, r.typology, r.has_senior_leader, r.band,
                                         r.board_relationship, r.leader_title, r.finding_codes,
                                         r.ratings) AS f
    WHERE r.status = 2
  ) AS d
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(d.delta) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (cycle, trust_ods_code, edition_id, kind, key) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$;

CREATE TRIGGER returns_counted_on_insert AFTER INSERT ON returns
  REFERENCING NEW TABLE AS inserted_returns
  FOR EACH STATEMENT EXECUTE FUNCTION ahpl_count_inserted_returns();
CREATE TRIGGER returns_counted_on_update AFTER UPDATE ON returns
  REFERENCING OLD TABLE AS replaced_returns NEW TABLE AS updated_returns
  FOR EACH STATEMENT EXECUTE FUNCTION ahpl_count_updated_returns();

-- Count what is already stored.
INSERT INTO return_counts (cycle, trust_ods_code, edition_id, kind, key, n)
SELECT r.cycle, r.trust_ods_code, r.edition_id, f.kind, f.key, count(*)
FROM returns r
CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, r.typology, r.has_senior_leader, r.band,
                                     r.board_relationship, r.leader_title, r.finding_codes,
                                     r.ratings) AS f
WHERE r.status = 2
GROUP BY 1, 2, 3, 4, 5;
