import type { Migration } from './migration.js';

// Timestamps are ISO-8601 UTC text in every dialect: sortable, portable, and what the repositories
// return. JSON columns are text holding a JSON object. Every mutable row carries `version` for
// optimistic concurrency.
const portable = [
  `CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES tasks(id) ON DELETE CASCADE,
    session_id TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'task',
    status TEXT NOT NULL DEFAULT 'created',
    specialist TEXT,
    complexity TEXT,
    priority INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT
  )`,
  'CREATE INDEX tasks_parent_idx ON tasks (parent_id)',
  'CREATE INDEX tasks_session_idx ON tasks (session_id)',
  'CREATE INDEX tasks_status_idx ON tasks (status, updated_at)',
  `CREATE TABLE task_dependencies (
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    depends_on_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (task_id, depends_on_id)
  )`,
  'CREATE INDEX task_dependencies_reverse_idx ON task_dependencies (depends_on_id, task_id)',
  `CREATE TABLE task_artifacts (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'text',
    content TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
  )`,
  'CREATE INDEX task_artifacts_task_idx ON task_artifacts (task_id, created_at)',
  `CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    metadata TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ended_at TEXT
  )`,
  'CREATE INDEX sessions_status_idx ON sessions (status, updated_at)',
  `CREATE TABLE session_contexts (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
  )`,
  `CREATE TABLE workflow_states (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
  )`,
  `CREATE TABLE specialists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    prompt TEXT NOT NULL DEFAULT '',
    task_types TEXT NOT NULL DEFAULT '[]',
    capabilities TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  'CREATE INDEX specialists_category_idx ON specialists (category)',
  `CREATE TABLE specialist_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    template TEXT NOT NULL,
    variables TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE TABLE specialist_assignments (
    id TEXT PRIMARY KEY,
    specialist_id TEXT NOT NULL REFERENCES specialists(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'assigned',
    outcome TEXT,
    success INTEGER,
    assigned_at TEXT NOT NULL,
    completed_at TEXT
  )`,
  'CREATE INDEX specialist_assignments_specialist_idx ON specialist_assignments (specialist_id, status)',
  'CREATE INDEX specialist_assignments_task_idx ON specialist_assignments (task_id)',
];

/** Tasks, sessions, specialists and the outbox: the schema of orch's operational store. */
export const coreSchema: Migration = {
  id: 1,
  name: 'core-schema',
  up: {
    sqlite: [
      ...portable,
      `CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
        task_id TEXT,
        type TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX events_session_idx ON events (session_id, id)',
      'CREATE INDEX events_type_idx ON events (type, id)',
      `CREATE TABLE orch_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        payload TEXT NOT NULL,
        pending TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX orch_outbox_due_idx ON orch_outbox (next_attempt_at, id)',
      'CREATE INDEX orch_outbox_task_idx ON orch_outbox (task_id, id)',
    ],
    postgres: [
      ...portable,
      `CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
        task_id TEXT,
        type TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX events_session_idx ON events (session_id, id)',
      'CREATE INDEX events_type_idx ON events (type, id)',
      `CREATE TABLE orch_outbox (
        id BIGSERIAL PRIMARY KEY,
        task_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        payload TEXT NOT NULL,
        pending TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX orch_outbox_due_idx ON orch_outbox (next_attempt_at, id)',
      'CREATE INDEX orch_outbox_task_idx ON orch_outbox (task_id, id)',
    ],
  },
};
