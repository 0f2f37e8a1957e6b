-- riskgate store, schema version 5: renewing the lease no longer waits for writes in flight.
--
-- The fencing trigger read the lease FOR SHARE, which conflicts with any update of the row, so a
-- renewal (which only moves renewed_at and expires_at) waited for every write transaction in
-- flight, and under a steady stream of writes could wait until the lease expired. Writes now
-- lock the row FOR KEY SHARE, and the epoch is made a key column (a unique index), so only a
-- change of epoch, that is a takeover, conflicts with them: a takeover still waits for writes of
-- the old epoch in flight, and a write still waits for a takeover in flight and then sees the
-- new epoch; a renewal or a release waits for neither.
CREATE UNIQUE INDEX leader_lease_epoch ON {{schema}}.leader_lease (epoch);

CREATE OR REPLACE FUNCTION {{schema}}.check_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  claimed text := nullif(current_setting('riskgate.epoch', true), '');
  lead_epoch bigint;
BEGIN
  SELECT epoch INTO lead_epoch FROM {{schema}}.leader_lease FOR KEY SHARE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF claimed IS NULL OR claimed !~ '^[0-9]+$' OR claimed::bigint <> lead_epoch THEN
    RAISE EXCEPTION 'fenced: this connection writes for epoch %, but epoch % leads', coalesce(claimed, 'none'), lead_epoch
      USING ERRCODE = 'RGF01';
  END IF;
  RETURN NULL;
END
$$;
