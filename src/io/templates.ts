import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IoError } from '../core/errors.js';
import { TEMPLATE_NAMES as NAMES, type TemplateSource } from '../core/render/templates.js';

const LISTED = NAMES.map((n) => `${n}.yaml.hbs`).join(', ');
/** The templates shipped with nixpod (dist/src/io -> templates/). */
// dist/src/io/templates.js and the bundle dist/pkg/cli/nixpod.mjs are both three levels below the package root.
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../../../templates/', import.meta.url));

/** Each template from `dir` when it has one, else the built-in one. */
export async function loadTemplates(dir: string | undefined, cwd: string): Promise<TemplateSource[]> {
  if (dir !== undefined) await requireFolder(resolve(cwd, dir), dir);
  return Promise.all(
    NAMES.map(async (name) => {
      const file = `${name}.yaml.hbs`;
      if (dir !== undefined) {
        const custom = resolve(cwd, dir, file);
        const text = attempt(() => readFileSync(custom, 'utf8'), (e) => {
          if (e.code === 'ENOENT') return undefined;
          throw new IoError(`${custom}: ${e.message}`);
        });
        if (text !== undefined) return { name, origin: relative(cwd, custom) || custom, text };
      }
      const builtin = join(BUILTIN_TEMPLATES, file);
      const text = attempt(() => readFileSync(builtin, 'utf8'), () => {
        throw new IoError(`built-in template ${builtin} is missing`, 'reinstall nixpod');
      });
      return { name, origin: `built-in ${file}`, text };
    }),
  );
}

/** fn's value, else what `failed` makes of its error (sync reads: node:fs/promises would load streams and readline at start-up). */
function attempt<T, U>(fn: () => T, failed: (e: NodeJS.ErrnoException) => U): T | U {
  try {
    return fn();
  } catch (e) {
    return failed(e as NodeJS.ErrnoException);
  }
}

/** A --templates folder that is missing, not a folder, or holds no template is a mistake, never silently the built-in templates. */
async function requireFolder(abs: string, given: string): Promise<void> {
  const st: Stats = attempt(() => statSync(abs), (e) => {
    throw new IoError(`--templates ${given}: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`, `give a folder holding any of ${LISTED}`);
  });
  if (!st.isDirectory()) throw new IoError(`--templates ${given}: not a folder`, `give a folder holding any of ${LISTED}`);
  const names = attempt(() => readdirSync(abs), (e) => {
    throw new IoError(`--templates ${given}: ${e.message}`, 'check the folder\'s permissions');
  });
  if (!NAMES.some((n) => names.includes(`${n}.yaml.hbs`))) {
    throw new IoError(`--templates ${given}: holds none of ${LISTED}`, `nixpod would use only its built-in templates; found: ${names.slice(0, 5).join(', ') || 'nothing'}`);
  }
}
