/**
 * The names in scope in every Nix expression without `builtins.`: Nix's base
 * environment. Measured on Nix 2.26.3 (Debian trixie's nix-bin): every name of
 * `builtins.attrNames builtins` was tried as `X` and as `__X` with
 * `nix-instantiate --parse -E`, which fails with "undefined variable" for a
 * name not in scope (src/libexpr/primops.cc registers a primop under its own
 * name; a name starting with `__` is in scope only with that prefix, and is
 * `builtins.X` without it). `__curPos` is not a variable but a parser
 * keyword (ExprPos), handled by the parser.
 */
const PLAIN = [
  'abort', 'baseNameOf', 'break', 'builtins', 'derivation', 'derivationStrict', 'dirOf', 'false', 'fetchGit',
  'fetchMercurial', 'fetchTarball', 'fetchTree', 'fromTOML', 'import', 'isNull', 'map', 'null',
  'placeholder', 'removeAttrs', 'scopedImport', 'throw', 'toString', 'true',
];

const PREFIXED = [
  '__add', '__addDrvOutputDependencies', '__addErrorContext', '__all', '__any', '__appendContext',
  '__attrNames', '__attrValues', '__bitAnd', '__bitOr', '__bitXor', '__catAttrs', '__ceil',
  '__compareVersions', '__concatLists', '__concatMap', '__concatStringsSep', '__convertHash',
  '__currentSystem', '__currentTime', '__deepSeq', '__div', '__elem', '__elemAt', '__fetchClosure',
  '__fetchurl', '__filter', '__filterSource', '__findFile', '__flakeRefToString', '__floor', '__foldl\'',
  '__fromJSON', '__functionArgs', '__genList', '__genericClosure', '__getAttr', '__getContext', '__getEnv',
  '__getFlake', '__groupBy', '__hasAttr', '__hasContext', '__hashFile', '__hashString', '__head',
  '__intersectAttrs', '__isAttrs', '__isBool', '__isFloat', '__isFunction', '__isInt', '__isList',
  '__isPath', '__isString', '__langVersion', '__length', '__lessThan', '__listToAttrs', '__mapAttrs',
  '__match', '__mul', '__nixPath', '__nixVersion', '__outputOf', '__parseDrvName', '__parseFlakeRef',
  '__partition', '__path', '__pathExists', '__readDir', '__readFile', '__readFileType', '__replaceStrings',
  '__seq', '__sort', '__split', '__splitVersion', '__storeDir', '__storePath', '__stringLength', '__sub',
  '__substring', '__tail', '__toFile', '__toJSON', '__toPath', '__toXML', '__trace', '__traceVerbose',
  '__tryEval', '__typeOf', '__unsafeDiscardOutputDependency', '__unsafeDiscardStringContext',
  '__unsafeGetAttrPos', '__warn', '__zipAttrsWith',
];

/**
 * In scope only with an experimental feature enabled (flakes, fetch-tree,
 * fetch-closure, dynamic-derivations): names a Pod's Nix may or may not have.
 * nixpod treats them as defined, so that no script is refused for them.
 */
export const FEATURE_GATED_GLOBALS: ReadonlySet<string> = new Set([
  '__fetchClosure', '__flakeRefToString', '__getFlake', '__outputOf', '__parseFlakeRef', 'fetchTree',]);

export const NIX_GLOBALS: ReadonlySet<string> = new Set([...PLAIN, ...PREFIXED]);
