/**
 * Rewrite SQL written with `?` placeholders to numbered ones (`$1, $2, …` by default). Question
 * marks inside string literals, quoted identifiers, `--` line comments and `/* *\/` block comments
 * are left alone. This is the only placeholder rewriter in orch: dialects call it.
 *
 * @example
 * numberPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?'"); // "SELECT * FROM t WHERE a = $1 AND b = '?'"
 */
export function numberPlaceholders(sql: string, marker = (n: number) => `$${n}`): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      // A doubled quote inside a literal ('it''s') is two adjacent literals to this scan: same result.
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      out += marker(++n);
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
