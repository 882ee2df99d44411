import type { Database, Statement } from "better-sqlite3";

/**
 * Prepares each SQL text of a repository once, by name, so that the SQL reads as one table beside
 * its comments instead of a field declaration plus an assignment per statement.
 */
export function prepareStatements<Name extends string>(
  db: Database,
  sql: Readonly<Record<Name, string>>,
): Readonly<Record<Name, Statement>> {
  // Filled just below, one entry per key of `sql`.
  const statements = {} as Record<Name, Statement>;
  for (const name of Object.keys(sql) as Name[]) statements[name] = db.prepare(sql[name]);
  return statements;
}
