-- pressfeed store, schema version 11: what each source last said of a release another source brought first.

-- One story, one item: the first source to bring a release owns its article,
-- and another source's item of it is a copy, a duplicate. A correction that
-- came only through the copy's source was lost. Each copy's source's item is
-- remembered here by a digest of what its feed said (not of what pressfeed made
-- of it: a pressfeed upgrade is no correction); when it changes, the copy's
-- source has corrected the release, and its version is taken. The owner's is
-- its article's upstream version, and has no row.
CREATE TABLE sighting (
    article_id TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    said       TEXT NOT NULL,
    PRIMARY KEY (article_id, source_id)
) WITHOUT ROWID;
