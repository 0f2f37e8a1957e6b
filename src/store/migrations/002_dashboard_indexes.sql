-- riskgate store, schema version 2: indexes behind the dashboard's queries and recovery.

-- Last N audit events, and last N decisions (kind = 'decision').
CREATE INDEX audit_log_at_idx ON {{schema}}.audit_log (at DESC, seq DESC);
CREATE INDEX audit_log_kind_at_idx ON {{schema}}.audit_log (kind, at DESC, seq DESC);
-- Denials by code per day: only denials, by time; and any event by code.
CREATE INDEX audit_log_denials_at_idx ON {{schema}}.audit_log (at) WHERE outcome = 'deny';
CREATE INDEX audit_log_codes_idx ON {{schema}}.audit_log USING gin (codes);
CREATE INDEX audit_log_client_order_idx ON {{schema}}.audit_log (client_order_id) WHERE client_order_id IS NOT NULL;

-- Breaker history and equity history, newest first.
CREATE INDEX breaker_events_at_idx ON {{schema}}.breaker_events (at DESC, id DESC);
CREATE INDEX risk_state_history_at_idx ON {{schema}}.risk_state_history (changed_at DESC, id DESC);
CREATE INDEX equity_marks_at_idx ON {{schema}}.equity_marks (at DESC, id DESC);

-- Working orders (recovery) and orders by symbol.
CREATE INDEX orders_working_idx ON {{schema}}.orders (created_at)
  WHERE status NOT IN ('filled', 'canceled', 'expired', 'rejected', 'replaced', 'submit_failed');
CREATE INDEX orders_symbol_idx ON {{schema}}.orders (symbol, created_at DESC);
CREATE INDEX fills_symbol_seq_idx ON {{schema}}.fills (symbol, seq);
