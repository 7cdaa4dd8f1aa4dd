-- pressfeed store, schema version 5: the lookups every run makes use an index,
-- as they already do on PostgreSQL (pg_schema.sql, pg_v2_stories.sql, pg_v3_pages.sql).
-- Without them each was a scan of the whole table, whose cost grew with the store:
-- at 100k articles and 200 sources the health check after every run took 1.5 s.

-- a source's drafts (the held items of the health check after every run,
-- `sources check`); only drafts, so importing published articles costs nothing more
CREATE INDEX article_drafts ON article (origin, published DESC, id) WHERE status = 'draft';
-- "which article took this release's guid" (a story unlinked, keep-both)
CREATE INDEX article_feed_guid ON article (feed_guid) WHERE feed_guid IS NOT NULL;
-- pages that gave no text (held items, retried by every ingest of a full-text source)
CREATE INDEX page_failed ON page (article_id) WHERE status = 'failed';
