import { CHECK_ONLY } from './program.js';
import { startWith } from './start.js';

/**
 * The check program (dist/pkg/cli/nixpod-check.cjs, which launch.ts loads
 * for `nixpod check`): `check` alone. Editors and pre-commit hooks run it on
 * every save and commit, and without the other commands' code (rendering,
 * templates, the cluster) it is a third smaller, so faster to load.
 */
export const start = (argv: string[], invokedAs: string): Promise<number> => startWith(CHECK_ONLY, argv, invokedAs);
