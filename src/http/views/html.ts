// HTML with escaping by default: every value interpolated into an html`` template is escaped unless
// it is itself the result of html`` (or raw(), for markup we wrote ourselves). Arrays are joined.
// A tenant-controlled string (an organization named <script>) therefore renders as text.
import { escapeHtml } from './error-page.js';

const SAFE = Symbol('safe-html');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly text: string;
  toString(): string;
}

function safe(text: string): SafeHtml {
  return { [SAFE]: true, text, toString: () => text };
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && SAFE in value;
}

/** Markup we wrote ourselves (never a value from a request or the database). */
export function raw(markup: string): SafeHtml {
  return safe(markup);
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (isSafeHtml(value)) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return safe(out);
}
