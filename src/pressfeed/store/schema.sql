-- pressfeed store, schema version 1. Times are UTC, "YYYY-MM-DDTHH:MM:SSZ",
-- so text order is time order.

CREATE TABLE article (
    id            TEXT PRIMARY KEY,
    section       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('published', 'draft', 'hidden')),
    published     TEXT NOT NULL,
    updated       TEXT NOT NULL,
    -- 'cms' for imported records, 'source:<id>' for ingested ones
    origin        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    -- content hash and status of the version last taken from upstream (the CMS
    -- export or the agency feed); content_hash differs once an editor changed
    -- the article locally, status differs once an editor hid or published it
    upstream_hash   TEXT,
    upstream_status TEXT,
    -- bumped from meta.seq on every write; feed fingerprints are built from it
    seq           INTEGER NOT NULL,
    data          TEXT NOT NULL
);

-- "newest N published items of a section" (section feeds)
CREATE INDEX article_section_newest ON article (section, status, published DESC, id);
-- "newest N published items" (site feed) and `articles list`
CREATE INDEX article_newest ON article (status, published DESC, id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- what was last written for each output file, so unchanged feeds are skipped
-- before rendering
CREATE TABLE feed_file (
    path        TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    updated     TEXT,
    size        INTEGER NOT NULL DEFAULT -1,
    mtime_ns    INTEGER NOT NULL DEFAULT -1
) WITHOUT ROWID;

-- ingest dedupe: every key an article is known by (guid, normalized link, content)
CREATE TABLE dedupe_key (
    key        TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    source_id  TEXT NOT NULL
) WITHOUT ROWID;
-- "keys of an article" (delete, show)
CREATE INDEX dedupe_key_article ON dedupe_key (article_id);

-- deleted articles: their ids and dedupe keys stay, so the next fetch cannot
-- bring them back
CREATE TABLE tombstone (
    article_id TEXT PRIMARY KEY,
    deleted    TEXT NOT NULL
) WITHOUT ROWID;

-- per-source fetch state and last result
CREATE TABLE source_state (
    id            TEXT PRIMARY KEY,
    data          TEXT NOT NULL
) WITHOUT ROWID;
