import { createRequire } from 'node:module';
import runtime from 'handlebars/runtime.js';
import type Handlebars from 'handlebars';
import { RenderError } from '../errors.js';
import { PRECOMPILED } from './builtin-templates.js';
import { jsonForTemplate } from './skeleton.js';

export type TemplateName = 'configmap' | 'pod' | 'job' | 'cronjob' | 'pod-spec';
/** Templates that other templates include (`{{> pod-spec}}`), never rendered on their own. */
export const PARTIALS: readonly TemplateName[] = ['pod-spec'];
export const TEMPLATE_NAMES: readonly TemplateName[] = ['configmap', 'pod', 'job', 'cronjob', 'pod-spec'];

export interface TemplateSource {
  name: TemplateName;
  /** Where it came from, for error messages (`templates/pod.yaml.hbs`). */
  origin: string;
  text: string;
}

export interface CompiledTemplates {
  sources: TemplateSource[];
  /** `placeholders`: the context holds placeholders (see skeleton.ts), and `json` marks them. */
  render(name: TemplateName, context: unknown, placeholders?: boolean): string;
  origin(name: TemplateName): string;
}

type Engine = typeof Handlebars;
/** The Handlebars runtime: enough for templates compiled at build time (see src/build/precompile-templates.mjs). */
const RUNTIME = runtime as unknown as Engine;
let compiler: Engine | undefined;
/**
 * The Handlebars compiler, for templates that are not the built-in ones (--templates):
 * some 250 KB of code that a run with the built-in templates never loads.
 */
function handlebarsCompiler(): Engine {
  return (compiler ??= createRequire(import.meta.url)('handlebars') as Engine);
}

/** The spec compiled at build time for this template, when its text is the built-in one's to the byte. */
function precompiled(s: TemplateSource): object | undefined {
  const p = PRECOMPILED[s.name];
  return p !== undefined && p.text === s.text ? p.spec : undefined;
}

/** An isolated Handlebars instance: strict lookups, no HTML escaping, one `json` helper. */
function makeEngine(base: Engine): Engine {
  const hb = base.create();
  hb.registerHelper('json', (...args: unknown[]) => {
    // Handlebars passes its options object last; strict mode does not cover helper arguments.
    const options = args[args.length - 1] as { loc?: { start: { line: number; column: number } }; data?: { placeholders?: boolean } };
    const where = options.loc ? `line ${options.loc.start.line}, col ${options.loc.start.column + 1}: ` : '';
    if (args.length !== 2) throw new Error(`${where}json takes exactly one value: {{json name}}`);
    if (args[0] === undefined) throw new Error(`${where}the value given to json is not defined (a misspelled variable?)`);
    return options.data?.placeholders ? jsonForTemplate(args[0]) : JSON.stringify(args[0]);
  });
  return hb;
}

export function compileTemplates(sources: readonly TemplateSource[]): CompiledTemplates {
  const specs = sources.map(precompiled);
  const hb = makeEngine(specs.every((s) => s !== undefined) ? RUNTIME : handlebarsCompiler());
  const fns = new Map<TemplateName, { fn: Handlebars.TemplateDelegate; origin: string; includes: boolean }>();
  sources.forEach((s, i) => {
    const spec = specs[i];
    // Compiled at build time with the options below (strict, noEscape): the same function compile() makes.
    const fn = spec ? hb.template(spec as TemplateSpecification) : compile(hb, s);
    // A partial standing alone on its line is indented as that line is (Handlebars indents each line it writes).
    if (PARTIALS.includes(s.name)) hb.registerPartial(s.name, fn);
    fns.set(s.name, { fn, origin: s.origin, includes: /\{\{~?\s*>/.test(s.text) });
  });
  // A skeleton stands each value in by a placeholder: a template that looks a value up by another
  // (`lookup labels base`) would look up the placeholder. Then every script renders its own values.
  const looksUp = sources.some((s) => LOOKUP.test(s.text));
  return {
    sources: [...sources],
    origin: (name) => fns.get(name)?.origin ?? name,
    render(name, context, placeholders = false) {
      const t = fns.get(name);
      if (!t) throw new RenderError('template', `no ${name} template`, `add templates/${name}.yaml.hbs`);
      if (placeholders && looksUp) throw new Error('no skeleton: a template uses lookup');
      try {
        return t.fn(context, { data: { placeholders } });
      } catch (e) {
        const partials = PARTIALS.map((n) => fns.get(n)?.origin).filter((o) => o !== undefined);
        const also = t.includes && partials.length > 0 ? ` (or a template it includes: ${partials.join(', ')})` : '';
        throw new RenderError('template', `${t.origin}${also}: ${firstLine(e)}`, 'use only the variables listed in the README\'s template context');
      }
    },
  };
}

/** `lookup` inside a mustache: `{{lookup …}}`, `{{#each (lookup …)}}`. */
const LOOKUP = /\{\{[^}]*\blookup\b/;

type TemplateSpecification = Parameters<Engine['template']>[0];

function compile(hb: Engine, s: TemplateSource): Handlebars.TemplateDelegate {
  let ast: hbs.AST.Program;
  try {
    // Parse eagerly: compile() is lazy, and a syntax error should surface before any script renders.
    ast = hb.parse(s.text);
  } catch (e) {
    throw new RenderError('template', `${s.origin}: ${firstLine(e)}`, 'fix the template syntax (see the README for the template context)');
  }
  // compile() takes the parsed program: the text is parsed once.
  return hb.compile(ast, { strict: true, noEscape: true });
}

/** Handlebars messages are "Parse error on line N:", the source, a caret line, then "Expecting …". */
function firstLine(e: unknown): string {
  const lines = (e instanceof Error ? e.message : String(e)).split('\n').filter((l) => l.trim() !== '');
  const expecting = lines.find((l) => l.startsWith('Expecting'));
  // Strict mode says where a name was looked for as ` in [object Object]`: no help to anyone.
  return [lines[0]?.replace(/:$/, '').replace(' in [object Object]', ''), expecting].filter(Boolean).join(': ');
}
