-- The deployment's identity: a random UUID made here, once, and shared by
-- every server over this database and its standbys. GetDeployment returns
-- it, so that an aggregator across deployments (ahpl aggregate --servers)
-- refuses to count one deployment reached under two addresses twice. A copy
-- of the database restored to start another deployment keeps it: give the
-- copy its own with UPDATE deployment SET deployment_id = gen_random_uuid().
CREATE TABLE deployment (
  id            boolean PRIMARY KEY DEFAULT true CHECK (id),
  deployment_id uuid NOT NULL DEFAULT gen_random_uuid(),
  create_time   timestamptz NOT NULL DEFAULT clock_timestamp()
);

INSERT INTO deployment DEFAULT VALUES;
