-- pressfeed store on PostgreSQL, schema version 9: upstream changes an item made without dating them
-- (see v10_undated_changes.sql).

ALTER TABLE article ADD COLUMN undated_changes integer;
