/** Connection name rules used by the wizard (no `vscode` import, so unit-tested in Node). */

/** The name check shared by the wizard and its tests: empty and duplicate names are refused. */
export function validateConnectionName(name: string, takenNames: readonly string[]): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name for the connection.';
  if (takenNames.some((n) => n.trim().toLowerCase() === trimmed.toLowerCase())) {
    return `A connection named "${trimmed}" already exists. Choose another name.`;
  }
  return undefined;
}

/** A default name that is not taken yet: "server", "server (2)", … */
export function uniqueName(base: string, takenNames: readonly string[]): string {
  const taken = new Set(takenNames.map((n) => n.trim().toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
