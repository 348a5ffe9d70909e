#!/usr/bin/env node
// Checks that the command registry in code (src/extension/commands.ts) and package.json agree, in the
// spirit of vscode-pull-request-github's command check: every registered command is contributed with a
// title, the `MCP Lens` category and an icon, and every command that a menu, the command palette or a welcome
// view names exists. Commands activate the extension through the onCommand events VS Code (>= 1.74) generates
// from contributes.commands, so the check requires engines.vscode >= 1.74 and no hand-written duplicates.
// Prints the problems and exits 1 when any.
// Usage: node scripts/checkCommands.mjs
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The command ids in the `COMMANDS` object of commands.ts (the file is kept import-free for this). */
export function commandIdsFromSource(source) {
  const block = /export const COMMANDS = \{([\s\S]*?)\} as const;/.exec(source);
  if (!block) throw new Error('commands.ts has no `export const COMMANDS = { … } as const;` block');
  return [...block[1].matchAll(/:\s*'([^']+)'/g)].map((m) => m[1]);
}

/**
 * @param {{ packageJson: any, commandIds: string[], category?: string }} input
 * @returns {string[]} problems, empty when everything agrees
 */
export function checkCommands({ packageJson, commandIds, category = 'MCP Lens' }) {
  const problems = [];
  const contributes = packageJson.contributes ?? {};
  const contributed = new Map((contributes.commands ?? []).map((c) => [c.command, c]));
  const registered = new Set(commandIds);
  const seen = new Set();
  for (const id of commandIds) {
    if (seen.has(id)) problems.push(`${id} is listed twice in commands.ts`);
    seen.add(id);
    const c = contributed.get(id);
    if (!c) {
      problems.push(`${id} is registered in code but not in package.json contributes.commands`);
      continue;
    }
    if (!c.title) problems.push(`${id} has no title`);
    if (c.category !== category) {
      problems.push(`${id} has category ${JSON.stringify(c.category)}, expected "${category}"`);
    }
    if (!c.icon) problems.push(`${id} has no icon`);
  }
  for (const id of contributed.keys()) {
    if (!registered.has(id)) problems.push(`${id} is contributed in package.json but not registered in commands.ts`);
  }
  const events = packageJson.activationEvents ?? [];
  if (events.includes('*')) problems.push('activationEvents contains "*"; use narrow events');
  // VS Code 1.74 and later generate onCommand:<id> for every contributed command (and onView:<id> for every
  // contributed view); an older engine range would leave the commands without an activation event.
  const engine = /^\D*(\d+)\.(\d+)/.exec(String(packageJson.engines?.vscode ?? ''));
  if (!engine || Number(engine[1]) < 1 || (Number(engine[1]) === 1 && Number(engine[2]) < 74)) {
    problems.push(
      `engines.vscode is ${JSON.stringify(packageJson.engines?.vscode)}: it must be ^1.74.0 or later, where VS Code generates the onCommand/onView activation events`,
    );
  }
  for (const event of events) {
    const id = /^onCommand:(.+)$/.exec(event)?.[1];
    if (id && registered.has(id)) {
      problems.push(`activationEvents lists ${event}, which VS Code generates from contributes.commands; remove it`);
    }
  }
  for (const [menu, entries] of Object.entries(contributes.menus ?? {})) {
    for (const entry of entries) {
      if (entry.command && !contributed.has(entry.command)) {
        problems.push(`menu ${menu} names unknown command ${entry.command}`);
      }
    }
  }
  for (const welcome of contributes.viewsWelcome ?? []) {
    for (const m of String(welcome.contents).matchAll(/\(command:([A-Za-z0-9_.-]+)/g)) {
      if (!contributed.has(m[1])) problems.push(`viewsWelcome of ${welcome.view} links unknown command ${m[1]}`);
    }
  }
  return problems;
}

export function checkRepository(root = ROOT) {
  const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const commandIds = commandIdsFromSource(fs.readFileSync(path.join(root, 'src/extension/commands.ts'), 'utf8'));
  return { commandIds, problems: checkCommands({ packageJson, commandIds }) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { commandIds, problems } = checkRepository();
  if (problems.length) {
    for (const p of problems) console.error(`✘ ${p}`);
    process.exit(1);
  }
  console.log(`✔ ${commandIds.length} commands: code and package.json agree`);
}
