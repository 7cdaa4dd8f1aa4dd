-- pressfeed store on PostgreSQL, schema version 10: the items whose changes without a date are no longer
-- taken, found without reading every article (see v11_undated_index.sql).

CREATE INDEX article_undated ON article (undated_changes, origin, id) WHERE undated_changes > 0;
