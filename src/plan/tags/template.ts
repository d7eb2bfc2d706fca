/**
 * The handlebars subset that docker/metadata-action rules use: `{{name}}` and
 * `{{name 'arg' key='value'}}`. Unknown names are an error rather than an empty string, so a
 * typo in a rule fails the run instead of producing a surprising tag.
 */
export type Helper = (args: string[], hash: Record<string, string>) => string;
export type Vars = Record<string, string | number | Helper>;

const EXPRESSION = /\{\{([^{}]*)\}\}/g;
const TOKEN = /([A-Za-z_][\w-]*)=(?:'([^']*)'|"([^"]*)"|(\S+))|'([^']*)'|"([^"]*)"|(\S+)/g;

function evaluate(body: string, vars: Vars): string {
  const args: string[] = [];
  const hash: Record<string, string> = {};
  for (const m of body.matchAll(TOKEN)) {
    if (m[1] !== undefined) hash[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
    else args.push(m[5] ?? m[6] ?? m[7] ?? '');
  }
  const name = args.shift();
  if (name === undefined) throw new Error('empty expression {{}}');
  const value = vars[name];
  if (value === undefined) {
    throw new Error(`unknown expression {{${body}}} (known: ${Object.keys(vars).join(', ')})`);
  }
  return typeof value === 'function' ? value(args, hash) : String(value);
}

export function render(template: string, vars: Vars): string {
  return template.replace(EXPRESSION, (_match, body: string) => evaluate(body.trim(), vars));
}

/** A template made of exactly one `{{raw}}` expression (metadata-action's isRawStatement). */
export function isRawStatement(template: string): boolean {
  return /^\{\{\s*raw\s*\}\}$/.test(template);
}

/** Formats an instant with a moment.js format string in an IANA time zone. */
export type DateFormatter = (date: Date, format: string, timeZone: string) => string;

/** A `{{date 'FORMAT' tz='Zone'}}` helper for one fixed instant (metadata-action's, UTC by default). */
export function dateHelper(date: Date, format: DateFormatter | undefined): Helper {
  return (args, hash) => {
    for (const key of Object.keys(hash)) {
      if (key !== 'tz') throw new Error(`unknown date attribute ${key}`);
    }
    // The plan loads the formatter whenever a rule mentions a date; this is a bug guard.
    if (!format) throw new Error('date formatting was not loaded for this rule');
    return format(date, args[0] ?? 'YYYYMMDD', hash.tz ?? 'UTC');
  };
}
