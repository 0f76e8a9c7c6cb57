-- Daily channel digests and their deliveries (one row per digest and local slot: the exactly-once key).
CREATE TABLE digests (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL CHECK (platform IN ('slack', 'discord')),
    channel_id      TEXT NOT NULL,
    at              TEXT NOT NULL,
    tz              TEXT NOT NULL,
    weekdays_only   INTEGER NOT NULL DEFAULT 0,
    topics          TEXT NOT NULL DEFAULT '[]',
    post_when_empty INTEGER NOT NULL DEFAULT 0,
    enabled         INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (platform, channel_id, at, tz)
);

CREATE TABLE digest_deliveries (
    id            INTEGER PRIMARY KEY,
    digest_id     INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    slot          TEXT NOT NULL,               -- local date and time, e.g. 2025-06-20T08:30
    due_at        TEXT NOT NULL,               -- UTC instant the slot falls on
    status        TEXT NOT NULL CHECK (status IN ('claimed', 'retry', 'sent', 'empty', 'skipped', 'failed')),
    owner         TEXT,                        -- the process holding the claim
    lease_until   TEXT,
    next_attempt  TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    since         TEXT,                        -- the digest covers stories changed after this instant
    composed_at   TEXT,
    parts_sent    INTEGER NOT NULL DEFAULT 0,  -- messages of a split digest already posted
    message_ids   TEXT NOT NULL DEFAULT '[]',
    error         TEXT,
    updated_at    TEXT NOT NULL,
    UNIQUE (digest_id, slot)
);
CREATE INDEX digest_deliveries_digest ON digest_deliveries (digest_id, due_at);
