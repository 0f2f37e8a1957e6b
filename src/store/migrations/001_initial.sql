-- riskgate store, schema version 1: every table the gateway needs to survive a restart.
-- {{schema}} is replaced by the quoted schema name; statements never rely on search_path.
-- Money is numeric (exact decimal); times are timestamptz; JSON is jsonb.

CREATE TABLE {{schema}}.store_meta (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  instance_id text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The trading-state latch: exactly one row, plus every transition in the history table.
CREATE TABLE {{schema}}.risk_state (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  state      text NOT NULL CHECK (state IN ('active', 'reducing', 'halted')),
  code       text NOT NULL,
  reason     text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.risk_state_history (
  id          bigserial PRIMARY KEY,
  state       text NOT NULL CHECK (state IN ('active', 'reducing', 'halted')),
  code        text NOT NULL,
  reason      text NOT NULL,
  changed_by  text NOT NULL,
  changed_at  timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.breaker_events (
  id          bigserial PRIMARY KEY,
  breaker_id  text NOT NULL,
  code        text NOT NULL,
  action      text NOT NULL CHECK (action IN ('reducing', 'halted')),
  flatten     boolean NOT NULL,
  message     text NOT NULL,
  "values"    jsonb NOT NULL DEFAULT '{}'::jsonb,
  at          timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Peak equity only ever rises (GREATEST upsert); day-start equity is first-writer-wins per session.
CREATE TABLE {{schema}}.peak_equity (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  equity     numeric NOT NULL,
  at         timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.day_start_equity (
  session_date date PRIMARY KEY,
  equity       numeric NOT NULL,
  at           timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.equity_marks (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL,
  equity       numeric NOT NULL,
  cash         numeric NOT NULL,
  buying_power numeric NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.counters (
  name       text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

-- An order is recorded (status pending_submit) before the broker is called.
CREATE TABLE {{schema}}.orders (
  id                     bigserial PRIMARY KEY,
  client_order_id        text NOT NULL UNIQUE,
  symbol                 text NOT NULL,
  side                   text NOT NULL CHECK (side IN ('buy', 'sell')),
  qty                    numeric NOT NULL CHECK (qty > 0),
  order_type             text NOT NULL,
  time_in_force          text NOT NULL,
  limit_price            numeric,
  stop_price             numeric,
  strategy               text,
  intent                 jsonb NOT NULL,
  status                 text NOT NULL CHECK (status IN (
                           'pending_submit', 'submit_failed', 'pending_new', 'new', 'accepted',
                           'partially_filled', 'filled', 'done_for_day', 'pending_cancel', 'canceled',
                           'pending_replace', 'replaced', 'expired', 'rejected', 'suspended', 'stopped')),
  status_reason          text,
  version                integer NOT NULL DEFAULT 1,
  broker_order_id        text UNIQUE,
  take_profit_leg_id     text,
  stop_loss_leg_id       text,
  parent_client_order_id text,
  filled_qty             numeric NOT NULL DEFAULT 0,
  avg_fill_price         numeric,
  close_reason           text CHECK (close_reason IN (
                           'STOP_LOSS_HIT', 'TAKE_PROFIT_HIT', 'MANUAL', 'KILL_SWITCH', 'FALLBACK_STOP',
                           'BREAKER_FLATTEN', 'TIME_EXIT', 'TRAILING_STOP_HIT', 'RECONCILIATION')),
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  acked_at               timestamptz
);

CREATE TABLE {{schema}}.order_status_history (
  id              bigserial PRIMARY KEY,
  client_order_id text NOT NULL REFERENCES {{schema}}.orders (client_order_id),
  from_status     text,
  to_status       text NOT NULL,
  reason          text,
  filled_qty      numeric NOT NULL,
  at              timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_status_history_order_idx ON {{schema}}.order_status_history (client_order_id, id);

-- A fill is stored once per execution id; seq gives the order in which fills were recorded.
CREATE TABLE {{schema}}.fills (
  seq             bigserial PRIMARY KEY,
  execution_id    text NOT NULL UNIQUE,
  client_order_id text,
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  qty             numeric NOT NULL CHECK (qty > 0),
  price           numeric NOT NULL CHECK (price >= 0),
  commission      numeric NOT NULL DEFAULT 0,
  strategy        text,
  reason          text,
  at              timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fills_client_order_idx ON {{schema}}.fills (client_order_id);

-- A snapshot covers every fill with seq <= through_fill_seq; later fills are replayed on top.
CREATE TABLE {{schema}}.position_snapshots (
  id               bigserial PRIMARY KEY,
  at               timestamptz NOT NULL,
  source           text NOT NULL,
  through_fill_seq bigint NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.position_snapshot_entries (
  snapshot_id     bigint NOT NULL REFERENCES {{schema}}.position_snapshots (id),
  symbol          text NOT NULL,
  qty             numeric NOT NULL,
  avg_entry_price numeric NOT NULL,
  PRIMARY KEY (snapshot_id, symbol)
);

-- The audit log is append-only: a trigger rejects UPDATE, DELETE and TRUNCATE.
CREATE TABLE {{schema}}.audit_log (
  seq             bigserial PRIMARY KEY,
  event_id        text NOT NULL UNIQUE,
  at              timestamptz NOT NULL,
  kind            text NOT NULL CHECK (kind IN (
                    'decision', 'trading-state', 'reset', 'limit-change', 'profile-change',
                    'kill-switch', 'api-key', 'order', 'store')),
  actor           text NOT NULL,
  outcome         text CHECK (outcome IN ('accept', 'accept-modified', 'deny')),
  codes           text[] NOT NULL DEFAULT '{}',
  client_order_id text,
  symbol          text,
  strategy        text,
  message         text,
  data            jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION {{schema}}.audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'RG001';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete
  BEFORE UPDATE OR DELETE ON {{schema}}.audit_log
  FOR EACH ROW EXECUTE FUNCTION {{schema}}.audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON {{schema}}.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.audit_log_is_append_only();

-- API keys: only a SHA-256 hash of the 32-byte random secret is kept.
CREATE TABLE {{schema}}.api_keys (
  key_id      text PRIMARY KEY,
  secret_hash text NOT NULL,
  role        text NOT NULL CHECK (role IN ('trader', 'risk-officer', 'read-only')),
  label       text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  revoked_by  text
);
