import type { Diagnostic } from '../core/diagnostic.js';
import type { Layer } from '../core/settings/layer.js';
import { configLayers, matchingRules } from '../core/settings/script-settings.js';
import { pathFromConfig, type ConfigFinder, type LoadedConfig } from './config.js';

/** Which rules of a config matched some script, and whether nixpod walked a folder under it. */
interface Usage {
  matched: Set<number>;
  walked: boolean;
}

/** A folder's config and the folder's path from the config's folder (`''`, or ending in `/`). */
interface DirConfig {
  config: LoadedConfig;
  prefix: string;
  /** The layers by the rules matched (their indices, joined): one list per distinct set, shared by its scripts. */
  byMatch: Map<string, readonly Layer[]>;
}

const NONE: readonly Layer[] = Object.freeze([]);

/**
 * The nixpod.yaml layers of each script: its config's defaults, then every
 * `scripts:` rule whose glob matches the script's path from the config's
 * folder. The config and that folder are looked up once per folder, and
 * scripts that match the same rules get the same list (the checks and
 * render memoise by it). Records which rules matched, for unmatchedRules.
 */
export class ScriptLayers {
  private readonly byDir = new Map<string, DirConfig | null>();
  private readonly lists = new Map<LoadedConfig, Map<string, readonly Layer[]>>();
  private readonly usage = new Map<LoadedConfig, Usage>();

  constructor(private readonly configs: ConfigFinder) {}

  /** The layers of the script `fileName` in (real) folder `dir`; `explicit`: named on the command line. */
  of(dir: string, fileName: string, explicit: boolean): readonly Layer[] {
    const d = this.dirConfig(dir);
    if (d === null) return NONE;
    const c = d.config;
    const u = this.usage.get(c) as Usage;
    if (!explicit) u.walked = true;
    const matched = matchingRules(c.config, d.prefix + fileName);
    const key = matched.join(',');
    let layers = d.byMatch.get(key);
    if (layers === undefined) {
      for (const i of matched) u.matched.add(i);
      d.byMatch.set(key, (layers = configLayers(c.config, matched)));
    }
    return layers;
  }

  /** A `match:` that matches none of the scripts found is most likely a typo. Only said when nixpod walked a folder: named files alone are not all the scripts. */
  unmatchedRules(c: LoadedConfig): Diagnostic[] {
    const u = this.usage.get(c);
    if (!u?.walked) return [];
    return c.config.rules.flatMap((r, i) =>
      u.matched.has(i) ? [] : [{ path: c.config.path, line: r.at.line, col: r.at.col, severity: 'warning' as const, rule: 'glob-matches-nothing', message: `match '${r.match}' matches none of the scripts checked here (paths are relative to the folder of ${c.config.path})`, hint: "check the glob: * stays within a folder, **/ spans folders (e.g. '**/*.sh')" }],
    );
  }

  private dirConfig(dir: string): DirConfig | null {
    let d = this.byDir.get(dir);
    if (d !== undefined) return d;
    const config = this.configs.forDir(dir);
    if (config === undefined) d = null;
    else {
      const r = pathFromConfig(config, dir);
      let byMatch = this.lists.get(config);
      if (byMatch === undefined) this.lists.set(config, (byMatch = new Map()));
      if (!this.usage.has(config)) this.usage.set(config, { matched: new Set(), walked: false });
      d = { config, prefix: r === '' ? '' : `${r}/`, byMatch };
    }
    this.byDir.set(dir, d);
    return d;
  }
}
