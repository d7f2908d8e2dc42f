import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { IoError } from '../core/errors.js';
import type { parseSettingsConfig, SettingsConfig } from '../core/settings/config-file.js';
import type { parsePlainConfig } from '../core/settings/config-read.js';
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
 * `ready()` reads them: the settings reader loads only when there is a file
 * to read, and the YAML library only for a file the plain reader leaves to it.
 */
export class ConfigFinder {
  private readonly fileOf = new Map<string, string | undefined>();
  private readonly byFile = new Map<string, LoadedConfig>();
  private readonly roots = new RootFinder();
  private explicit: LoadedConfig | undefined;
  private plain: typeof parsePlainConfig | undefined;
  private full: typeof parseSettingsConfig | undefined;

  constructor(private readonly cwd: string, private readonly configFlag?: string) {}

  /** Read `--config FILE`, and the config files of scripts in these (real) folders. */
  async ready(dirs: Iterable<string> = []): Promise<void> {
    const files = new Set<string>();
    for (const dir of new Set(dirs)) {
      const f = this.explicit || this.configFlag !== undefined ? undefined : this.nearestFile(dir, this.roots.rootOf(dir));
      if (f !== undefined && !this.byFile.has(f)) files.add(f);
    }
    if (files.size === 0 && (this.configFlag === undefined || this.explicit)) return;
    this.plain ??= (await import('../core/settings/config-read.js')).parsePlainConfig;
    if (this.configFlag !== undefined) this.explicit ??= await this.read(resolve(this.cwd, this.configFlag), this.configFlag);
    for (const f of files) await this.read(f);
  }

  /** The config for a script in (real) folder `dir`, if any (read by `ready`). */
  forDir(dir: string): LoadedConfig | undefined {
    if (this.configFlag !== undefined) return this.explicit;
    const file = this.nearestFile(dir, this.roots.rootOf(dir));
    return file === undefined ? undefined : this.load(file);
  }

  /** Every config read so far, in the order first read. */
  loaded(): LoadedConfig[] {
    return [...this.byFile.values()];
  }

  private nearestFile(dir: string, root: string | undefined): string | undefined {
    if (this.fileOf.has(dir)) return this.fileOf.get(dir);
    const file = join(dir, CONFIG_NAME);
    const parent = dirname(dir);
    const found = isFile(file) ? file : dir === root || parent === dir ? undefined : this.nearestFile(parent, root);
    this.fileOf.set(dir, found);
    return found;
  }

  private load(file: string): LoadedConfig {
    const known = this.byFile.get(file);
    if (!known) throw new Error(`internal: ${file} was asked for before ConfigFinder.ready()`);
    return known;
  }

  private async read(file: string, named?: string): Promise<LoadedConfig> {
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
    let config = (this.plain as typeof parsePlainConfig)(text, shown);
    if (config === undefined) {
      this.full ??= (await import('../core/settings/config-file.js')).parseSettingsConfig;
      config = this.full(text, shown);
    }
    const loaded = { file, dir: dirname(file), config };
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

/** A real path's path from the config's folder, `/`-separated, as `match:` globs see a script's. */
export function pathFromConfig(c: LoadedConfig, real: string): string {
  return relative(c.dir, real).split(sep).join('/');
}
