// The SQL of the SQLite log, kept as data so that sqlite.ts reads as the algorithm.

/** Row 0 holds the compact revision (prev_revision) and how far compaction has cleaned (create_revision). */
export const COMPACT_KEY = 'compact_rev_key';

// id is a plain rowid (max + 1): compaction only drops rows superseded by a later row of the same key, so the
// highest id is never deleted and ids stay monotonic without AUTOINCREMENT's sqlite_sequence row. Files made
// before kept AUTOINCREMENT and UNIQUE (name, prev_revision); they open and work as they are.
// No unique index: every write runs in an IMMEDIATE transaction that reads the key's latest row first, so
// two writers (processes sharing the file too) never insert successors of the same row.
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  lease INTEGER NOT NULL DEFAULT 0,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS kine_name_id_deleted ON kine (name, id, deleted);
INSERT OR IGNORE INTO kine (id, name, created, deleted, create_revision, prev_revision)
  VALUES (0, '${COMPACT_KEY}', 0, 0, 0, 0);
`;

// A create row stores create_revision 0: its own id is its create revision (unknown before the insert).
// old_value stays NULL: an update's previous value is read through prev_revision, which compaction
// keeps for every row above the compact revision.

/** True when kine was made with AUTOINCREMENT (its head then lives in sqlite_sequence). */
export const IS_LEGACY = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'kine' AND sql LIKE '%AUTOINCREMENT%'`;
export const LEGACY_HEAD = `SELECT seq FROM sqlite_sequence WHERE name = 'kine'`;

export const SQL = {
  head: `SELECT max(id) FROM kine`,
  compactState: `SELECT prev_revision AS compact, create_revision AS cursor FROM kine WHERE id = 0`,
  setCompact: `UPDATE kine SET prev_revision = ? WHERE id = 0`,
  setCursor: `UPDATE kine SET create_revision = ? WHERE id = 0`,

  latest: `SELECT id, created, deleted, create_revision, value FROM kine
    WHERE name = ? AND id > 0 ORDER BY id DESC LIMIT 1`,
  latestAt: `SELECT id, created, deleted, create_revision, value FROM kine
    WHERE name = ? AND id > 0 AND id <= ? ORDER BY id DESC LIMIT 1`,
  insert: `INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value)
    VALUES (?, ?, ?, ?, ?, ?)`,

  // The newest row per name at a revision comes from the covering index; values only for the page.
  // CROSS JOIN keeps m as the outer loop, so ORDER BY m.name needs no sort of the values.
  listPage: `SELECT k.id, k.name, k.created, k.create_revision, k.value FROM (
      SELECT max(id) AS id, name, deleted FROM kine
      WHERE name >= @lo AND name < @hi AND id > 0 AND id <= @rev
      GROUP BY name HAVING deleted = 0 ORDER BY name LIMIT @limit
    ) AS m CROSS JOIN kine AS k ON k.id = m.id ORDER BY m.name`,
  count: `SELECT count(*) FROM (
      SELECT max(id) AS id, deleted FROM kine
      WHERE name >= @lo AND name < @hi AND id > 0 AND id <= @rev
      GROUP BY name HAVING deleted = 0
    )`,

  eventsAfter: `SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.value,
      p.value AS prev_value
    FROM kine AS k LEFT JOIN kine AS p ON p.id = k.prev_revision AND k.created = 0 AND k.deleted = 0
    WHERE k.id > ? ORDER BY k.id LIMIT ?`,
  prefixEvents: `SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.value,
      p.value AS prev_value
    FROM kine AS k LEFT JOIN kine AS p ON p.id = k.prev_revision AND k.created = 0 AND k.deleted = 0
    WHERE k.name >= ? AND k.name < ? AND k.id > ? AND k.id <= ? ORDER BY k.id LIMIT ?`,
  keyEvents: `SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.value,
      p.value AS prev_value
    FROM kine AS k LEFT JOIN kine AS p ON p.id = k.prev_revision AND k.created = 0 AND k.deleted = 0
    WHERE k.name = ? AND k.id > ? AND k.id <= ? ORDER BY k.id LIMIT ?`,

  // Compaction walks the rows written since the last cleanup: each drops the row it superseded.
  successors: `SELECT id, prev_revision, deleted FROM kine WHERE id > ? AND id < ? ORDER BY id LIMIT ?`,
  deleteRow: `DELETE FROM kine WHERE id = ?`,
} as const;
