-- riskgate store, schema version 3: one leader per account, fenced.
--
-- The lease: at most one row. The instance whose lease has not expired leads; taking over an
-- expired lease increments the epoch. The leader's connections carry its epoch in the session
-- setting riskgate.epoch, and every write to the account's state checks it against the lease,
-- so a former leader (paused, partitioned) cannot write once another instance took over.
CREATE TABLE {{schema}}.leader_lease (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  holder      text NOT NULL,
  epoch       bigint NOT NULL CHECK (epoch > 0),
  acquired_at timestamptz NOT NULL,
  renewed_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- Kills, resets and profile changes received by any instance, for the leader to carry out.
CREATE TABLE {{schema}}.control_requests (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('kill', 'reset', 'profile')),
  payload       jsonb NOT NULL,
  requested_by  text NOT NULL,
  received_by   text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  handled_at    timestamptz,
  handled_by    text,
  handled_epoch bigint,
  outcome       jsonb
);
CREATE INDEX control_requests_pending ON {{schema}}.control_requests (id) WHERE handled_at IS NULL;

-- Refuses a write unless it carries the epoch of the lease in force. No lease row means no
-- instance ever took the lead (the embedded store, tools, tests on a bare store): then anything
-- may write. FOR SHARE makes a takeover wait for writes in flight and a write wait for a takeover
-- in flight, so no write of the old epoch commits after the new epoch did.
CREATE FUNCTION {{schema}}.check_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  claimed text := nullif(current_setting('riskgate.epoch', true), '');
  lead_epoch bigint;
BEGIN
  SELECT epoch INTO lead_epoch FROM {{schema}}.leader_lease FOR SHARE;
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

CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.risk_state
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.risk_state_history
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.breaker_events
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.peak_equity
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.day_start_equity
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.equity_marks
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.counters
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.orders
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.order_status_history
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.fills
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.position_snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.position_snapshot_entries
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.check_fence();
