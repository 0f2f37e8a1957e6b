-- riskgate store, schema version 4: the `feed` API-key role, which may only post market index readings.

ALTER TABLE {{schema}}.api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE {{schema}}.api_keys
  ADD CONSTRAINT api_keys_role_check CHECK (role IN ('trader', 'risk-officer', 'read-only', 'feed'));
