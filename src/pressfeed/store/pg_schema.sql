-- pressfeed store on PostgreSQL, schema version 1 (the tables of SQLite's schema.sql).
-- Times are timestamptz, written to the second in UTC (model.utc_text), so they
-- compare as SQLite's UTC text does. Identifiers are COLLATE "C": ties order by
-- bytes, as in SQLite, whatever the database's default collation is.

CREATE TABLE article (
    id            text COLLATE "C" PRIMARY KEY,
    section       text COLLATE "C" NOT NULL,
    status        text COLLATE "C" NOT NULL CHECK (status IN ('published', 'draft', 'hidden')),
    published     timestamptz NOT NULL,
    updated       timestamptz NOT NULL,
    -- 'cms' for imported records, 'source:<id>' for ingested ones
    origin        text COLLATE "C" NOT NULL,
    content_hash  text NOT NULL,
    -- content hash and status of the version last taken from upstream (see schema.sql)
    upstream_hash   text,
    upstream_status text,
    -- bumped from meta.seq on every write; feed fingerprints are built from it
    seq           bigint NOT NULL,
    -- the article's JSON, byte for byte as pressfeed wrote it (jsonb would reorder its keys)
    data          text NOT NULL
);

-- "newest N published items of a section" (section feeds)
CREATE INDEX article_section_newest ON article (section, status, published DESC, id);
-- "newest N published items" (site feed), `articles list --status`
CREATE INDEX article_newest ON article (status, published DESC, id);
-- `articles list` without a status: newest of all, or of one section
CREATE INDEX article_published ON article (published DESC, id);
CREATE INDEX article_section_published ON article (section, published DESC, id);
-- a source's drafts (sources check, held items)
CREATE INDEX article_origin ON article (origin, status, published DESC, id);

CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

-- what was last written for each output file, so unchanged feeds are skipped before rendering
CREATE TABLE feed_file (
    path        text COLLATE "C" PRIMARY KEY,
    fingerprint text NOT NULL,
    sha256      text NOT NULL,
    updated     timestamptz,
    size        bigint NOT NULL DEFAULT -1,
    mtime_ns    bigint NOT NULL DEFAULT -1
);

-- ingest dedupe: every key an article is known by (guid, normalized link, content)
CREATE TABLE dedupe_key (
    key        text COLLATE "C" PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL,
    source_id  text COLLATE "C" NOT NULL
);
CREATE INDEX dedupe_key_article ON dedupe_key (article_id);

-- deleted articles: their ids and dedupe keys stay, so the next fetch cannot bring them back
CREATE TABLE tombstone (
    article_id text COLLATE "C" PRIMARY KEY,
    deleted    timestamptz NOT NULL
);

-- per-source fetch state and last result (JSON)
CREATE TABLE source_state (
    id   text COLLATE "C" PRIMARY KEY,
    data text NOT NULL
);
