-- pressfeed store on PostgreSQL, schema version 4: a published file is known by its fingerprint and its
-- stat (see v4_feed_files.sql).

ALTER TABLE feed_file DROP COLUMN sha256;
