// Types for scripts/checkCommands.mjs, so TypeScript tests can import it.
export interface PackageJsonLike {
  contributes?: {
    commands?: Array<{ command: string; title?: string; category?: string; icon?: unknown }>;
    menus?: Record<string, Array<{ command?: string; when?: string; group?: string }>>;
    viewsWelcome?: Array<{ view: string; contents: string }>;
  };
  activationEvents?: string[];
}
export function commandIdsFromSource(source: string): string[];
export function checkCommands(input: {
  packageJson: PackageJsonLike;
  commandIds: string[];
  category?: string;
}): string[];
export function checkRepository(root?: string): { commandIds: string[]; problems: string[] };
