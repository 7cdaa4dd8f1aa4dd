-- pressfeed store, schema version 4: a published file is known by its fingerprint and its stat.

-- The SHA-256 of its bytes told a file whose stat changed but whose bytes did
-- not (touched, copied back) from an edited one. The build now renders such a
-- feed again and compares the bytes with the file's, so the files it writes
-- are no longer hashed.
-- The table is rebuilt rather than altered: ALTER TABLE ... DROP COLUMN needs
-- SQLite 3.35 (and was unreliable until 3.35.5), and Python may be linked
-- against an older one.
CREATE TABLE feed_file_v4 (
    path        TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    updated     TEXT,
    size        INTEGER NOT NULL DEFAULT -1,
    mtime_ns    INTEGER NOT NULL DEFAULT -1
) WITHOUT ROWID;
INSERT INTO feed_file_v4 (path, fingerprint, updated, size, mtime_ns)
    SELECT path, fingerprint, updated, size, mtime_ns FROM feed_file;
DROP TABLE feed_file;
ALTER TABLE feed_file_v4 RENAME TO feed_file;
