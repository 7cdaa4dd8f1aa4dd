-- pressfeed store on PostgreSQL, schema version 6: the time each published file was rendered at
-- (see v7_rendered_at.sql).

ALTER TABLE feed_file ADD COLUMN rendered_at timestamptz;
