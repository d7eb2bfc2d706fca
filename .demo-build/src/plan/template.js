const EXPRESSION = /\{\{\s*([^}]*?)\s*\}\}/g;
const TOKEN = /([A-Za-z_][\w-]*)=(?:'([^']*)'|"([^"]*)"|(\S+))|'([^']*)'|"([^"]*)"|(\S+)/g;
function evaluate(body, vars) {
  const args = [];
  const hash = {};
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
export function render(template, vars) {
  return template.replace(EXPRESSION, (_match, body) => evaluate(body, vars));
}
/** A template made of exactly one `{{raw}}` expression (metadata-action's isRawStatement). */
export function isRawStatement(template) {
  return /^\{\{\s*raw\s*\}\}$/.test(template);
}
const DATE_TOKEN = /YYYY|YY|MM|M|DD|D|HH|H|mm|m|ss|s|SSS|\[[^\]]*\]/g;
/** moment-style formatting for the tokens metadata-action users write in `{{date '...'}}`. */
export function formatDate(date, format, timeZone = 'UTC') {
  let parts;
  try {
    parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric'
      })
        .formatToParts(date)
        .map(p => [p.type, p.value])
    );
  } catch {
    throw new Error(`unknown time zone '${timeZone}'`);
  }
  const n = key => Number(parts[key]);
  const pad = (value, width = 2) => String(value).padStart(width, '0');
  return format.replace(DATE_TOKEN, token => {
    switch (token) {
      case 'YYYY':
        return pad(n('year'), 4);
      case 'YY':
        return pad(n('year') % 100);
      case 'MM':
        return pad(n('month'));
      case 'M':
        return String(n('month'));
      case 'DD':
        return pad(n('day'));
      case 'D':
        return String(n('day'));
      case 'HH':
        return pad(n('hour'));
      case 'H':
        return String(n('hour'));
      case 'mm':
        return pad(n('minute'));
      case 'm':
        return String(n('minute'));
      case 'ss':
        return pad(n('second'));
      case 's':
        return String(n('second'));
      case 'SSS':
        return pad(date.getUTCMilliseconds(), 3);
      default:
        return token.slice(1, -1);
    }
  });
}
/** A `{{date 'FORMAT' tz='Zone'}}` helper for one fixed instant. */
export function dateHelper(date) {
  return (args, hash) => {
    for (const key of Object.keys(hash)) {
      if (key !== 'tz') throw new Error(`unknown date attribute ${key}`);
    }
    return formatDate(date, args[0] ?? 'YYYYMMDD', hash.tz ?? 'UTC');
  };
}
