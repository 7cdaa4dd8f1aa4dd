-- pressfeed store, schema version 11: the items whose changes without a date are no longer taken, found
-- without reading every article.

-- `sources check` (and so every run's health check) names them per source, and
-- `sources reset` clears their count. The count is the article row's last
-- column, behind its JSON: a query reading it from every row read the whole
-- table. Only articles that changed without a date are in the index.
CREATE INDEX article_undated ON article (undated_changes, origin, id) WHERE undated_changes > 0;
