-- pressfeed store, schema version 11: the items whose changes without a date are no longer taken, found
-- without reading every article.

-- `sources reset` takes the next change of a source's such items. Their count
-- is the article row's last column, behind its JSON: a statement reading it
-- from every row read the whole table. Only articles that changed without a
-- date are in the index.
CREATE INDEX article_undated ON article (undated_changes, origin, id) WHERE undated_changes > 0;
