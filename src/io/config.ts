import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { IoError } from '../core/errors.js';
import { parseSettingsConfig, type SettingsConfig } from '../core/settings/config-file.js';
import { displayPath, RootFinder } from './scan.js';

export const CONFIG_NAME = 'nixpod.yaml';

/** A nixpod.yaml, read and parsed; `dir` is the folder its `match:` globs are relative to. */
export interface LoadedConfig {
  file: string;
  dir: string;
  config: SettingsConfig;
}

/**
 * Finds the nixpod.yaml of each script: `--config FILE` for all of them, else
 * the nearest one in the script's folder or above it, up to the repository
 * root (the folder holding `.git`) or `/`. Each file is read once.
 */
export class ConfigFinder {
  private readonly byDir = new Map<string, LoadedConfig | undefined>();
  private readonly byFile = new Map<string, LoadedConfig>();
  private readonly roots = new RootFinder();
  private readonly explicit: LoadedConfig | undefined;

  constructor(private readonly cwd: string, configFlag?: string) {
    if (configFlag !== undefined) this.explicit = this.load(resolve(cwd, configFlag), configFlag);
  }

  /** The config for a script in (real) folder `dir`, if any. */
  forDir(dir: string): LoadedConfig | undefined {
    return this.explicit ?? this.nearest(dir, this.roots.rootOf(dir));
  }

  /** Every config read so far, in the order first read. */
  loaded(): LoadedConfig[] {
    return [...this.byFile.values()];
  }

  private nearest(dir: string, root: string | undefined): LoadedConfig | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    const file = join(dir, CONFIG_NAME);
    const parent = dirname(dir);
    const found = isFile(file) ? this.load(file) : dir === root || parent === dir ? undefined : this.nearest(parent, root);
    this.byDir.set(dir, found);
    return found;
  }

  private load(file: string, named?: string): LoadedConfig {
    const known = this.byFile.get(file);
    if (known) return known;
    const shown = named ?? displayPath(file, this.cwd);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (code ?? String(e));
      throw new IoError(`${shown}: cannot read the settings file: ${why}`, named !== undefined ? 'check the --config path' : 'make nixpod.yaml readable, or remove it');
    }
    const loaded = { file, dir: dirname(file), config: parseSettingsConfig(text, shown) };
    this.byFile.set(file, loaded);
    return loaded;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A script's path from the config's folder, `/`-separated, as `match:` globs see it. */
export function pathFromConfig(c: LoadedConfig, realScript: string): string {
  return relative(c.dir, realScript).split(sep).join('/');
}
