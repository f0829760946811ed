import { OrchError } from '@orch/core';
import { invalidInput } from '../repository-errors.js';
import type { TemplateValue } from './specialist-repository.js';

/** `{{name}}`, spaces inside the braces allowed; names are letters, digits, `_`, `.` and `-`. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The distinct placeholders of a template, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

/**
 * Replace every `{{name}}` with `String(variables[name])`, in one pass (a value that itself
 * contains `{{x}}` is not expanded again). Extra variables are ignored; missing ones are
 * `ORCH_INVALID_INPUT` naming all of them.
 *
 * @example
 * renderTemplateText('You are {{ role }} for {{project}}.', { role: 'the tester', project: 'orch' });
 * // 'You are the tester for orch.'
 */
export function renderTemplateText(
  template: string,
  variables: Readonly<Record<string, TemplateValue>>,
  templateName = 'template',
): string {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw invalidInput('variables', 'an object of name → string, number or boolean', variables);
  }
  const missing: string[] = [];
  for (const name of templateVariables(template)) {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === undefined || value === null) missing.push(name);
    else if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw invalidInput(`variables.${name}`, 'a string, number or boolean', value);
    }
  }
  if (missing.length > 0) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `Template ${JSON.stringify(templateName)} needs ${missing.length === 1 ? 'variable' : 'variables'} ${missing.join(', ')}; pass ${missing.length === 1 ? 'it' : 'them'} in variables.`,
      { kind: 'operational', details: { field: `variables.${missing[0]}`, missing } },
    );
  }
  return template.replace(PLACEHOLDER, (_, name: string) => String(variables[name]));
}
