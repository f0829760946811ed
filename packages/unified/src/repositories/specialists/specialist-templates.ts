import { parseJson } from '../../util/db.js';
import { newId } from '../../util/ids.js';
import { marks } from '../../util/sql-lists.js';
import { conflict, invalidInput, notFound, uniqueOrConflict } from '../repository-errors.js';
import type { VersionOptions } from '../repository-types.js';
import { checkId, checkText, InputReader, num } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { readForUpdate, type VersionedTable } from '../shared/versioned-table.js';
import { expectedVersion, VersionRace, versionedUpdate } from '../shared/versioned-update.js';
import type {
  CreateTemplateInput,
  SpecialistTemplate,
  TemplateValue,
  UpdateTemplateInput,
} from './specialist-repository.js';
import { NAME_MAX, TEXT_MAX, unique } from './specialist-rows.js';
import { isVariableName, renderTemplateText, templateVariables } from './template-render.js';

interface TemplateRow {
  id: string;
  name: string;
  category: string;
  template: string;
  variables: string;
  version: number | string;
  created_at: string;
  updated_at: string;
}

const TEMPLATE_COLUMNS = 'id, name, category, template, variables, version, created_at, updated_at';

const TEMPLATES: VersionedTable<SpecialistTemplate, TemplateRow> = {
  entity: 'Template',
  table: 'specialist_templates',
  columns: TEMPLATE_COLUMNS,
  toEntity: (row) => toTemplate(row),
};

export async function createTemplate(
  ctx: RepositoryContext,
  input: CreateTemplateInput,
): Promise<SpecialistTemplate> {
  const r = new InputReader(input, 'template', ['id', 'name', 'category', 'template', 'variables']);
  const now = ctx.stamp();
  const text = r.requiredText('template', TEXT_MAX, true);
  const template: SpecialistTemplate = {
    id: r.id('id') ?? newId(),
    name: r.string('name', { required: true, max: NAME_MAX }),
    category: r.string('category', { required: true, max: NAME_MAX }),
    template: text,
    variables: templateVars(text, r.stringArray('variables'), 'template'),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const duplicate = `A template named ${JSON.stringify(template.name)} (or with id ${JSON.stringify(template.id)}) already exists; names and ids are unique.`;
  return ctx.db.transaction(async (db) => {
    const clash = await db.one('SELECT 1 AS x FROM specialist_templates WHERE id = ? OR name = ?', [
      template.id,
      template.name,
    ]);
    if (clash) throw conflict(duplicate, { reason: 'duplicate', id: template.id, name: template.name });
    await uniqueOrConflict(
      () =>
        db.execute(`INSERT INTO specialist_templates (${TEMPLATE_COLUMNS}) VALUES (${marks(8)})`, [
          template.id,
          template.name,
          template.category,
          template.template,
          JSON.stringify(template.variables),
          1,
          now,
          now,
        ]),
      duplicate,
      { reason: 'duplicate', id: template.id, name: template.name },
    );
    return template;
  });
}

export async function getTemplate(ctx: RepositoryContext, id: string): Promise<SpecialistTemplate | null> {
  checkId(id, 'id');
  const row = await ctx.db.one<TemplateRow>(
    `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates WHERE id = ?`,
    [id],
  );
  return row ? toTemplate(row) : null;
}

export async function getTemplateByName(
  ctx: RepositoryContext,
  name: string,
): Promise<SpecialistTemplate | null> {
  checkText(name, 'name', NAME_MAX, true);
  const row = await ctx.db.one<TemplateRow>(
    `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates WHERE name = ?`,
    [name],
  );
  return row ? toTemplate(row) : null;
}

export async function updateTemplate(
  ctx: RepositoryContext,
  id: string,
  patch: UpdateTemplateInput,
  options: VersionOptions = {},
): Promise<SpecialistTemplate> {
  checkId(id, 'id');
  const r = new InputReader(patch, 'patch', ['name', 'category', 'template', 'variables']);
  const name = r.string('name', { max: NAME_MAX });
  const category = r.string('category', { max: NAME_MAX });
  const text = r.has('template') ? r.requiredText('template', TEXT_MAX, true) : undefined;
  const variables = r.stringArray('variables');
  const expected = expectedVersion(options);
  return versionedUpdate(ctx.db, {
    table: TEMPLATES,
    id,
    expected,
    transaction: (attempt) => ctx.db.transaction(attempt),
    readFirst: true,
    attempt: async (db, committed) => {
      const current = committed ?? (await readForUpdate(db, TEMPLATES, id, expected));
      const nextText = text ?? current.template;
      const next: SpecialistTemplate = {
        ...current,
        name: name ?? current.name,
        category: category ?? current.category,
        template: nextText,
        // Declared variables are kept unless replaced, but must still cover the (new) text.
        variables: templateVars(
          nextText,
          variables ?? (text === undefined ? current.variables : undefined),
          'patch',
        ),
        version: current.version + 1,
        updatedAt: ctx.stamp(),
      };
      const message = `A template named ${JSON.stringify(next.name)} already exists; names are unique.`;
      if (
        next.name !== current.name &&
        (await db.one('SELECT 1 AS x FROM specialist_templates WHERE name = ?', [next.name]))
      ) {
        throw conflict(message, { reason: 'duplicate', name: next.name });
      }
      const { changes } = await uniqueOrConflict(
        () =>
          db.execute(
            'UPDATE specialist_templates SET name = ?, category = ?, template = ?, variables = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?',
            [
              next.name,
              next.category,
              next.template,
              JSON.stringify(next.variables),
              next.version,
              next.updatedAt,
              id,
              current.version,
            ],
          ),
        message,
        { reason: 'duplicate', name: next.name },
      );
      if (changes === 0) throw new VersionRace();
      return next;
    },
  });
}

export async function deleteTemplate(ctx: RepositoryContext, id: string): Promise<boolean> {
  checkId(id, 'id');
  const { changes } = await ctx.db.execute('DELETE FROM specialist_templates WHERE id = ?', [id]);
  return changes > 0;
}

export async function listTemplates(
  ctx: RepositoryContext,
  options: { category?: string } = {},
): Promise<SpecialistTemplate[]> {
  const category = new InputReader(options, 'options', ['category']).string('category', { max: NAME_MAX });
  const rows = await ctx.db.query<TemplateRow>(
    `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates ${category === undefined ? '' : 'WHERE category = ?'} ORDER BY name, id`,
    category === undefined ? [] : [category],
  );
  return rows.map(toTemplate);
}

export async function renderTemplate(
  ctx: RepositoryContext,
  id: string,
  variables: Readonly<Record<string, TemplateValue>>,
): Promise<string> {
  const template = await getTemplate(ctx, id);
  if (!template) throw notFound('Template', id);
  return renderTemplateText(template.template, variables, template.name);
}

function toTemplate(row: TemplateRow): SpecialistTemplate {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    template: row.template,
    variables: parseJson<string[]>(row.variables, []),
    version: num(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The variables of a template: declared ones must be names and cover every placeholder. */
function templateVars(text: string, declared: string[] | undefined, what: string): string[] {
  const used = templateVariables(text);
  if (declared === undefined) return used;
  declared.forEach((name, i) => {
    if (!isVariableName(name))
      throw invalidInput(`${what}.variables[${i}]`, 'a variable name (letters, digits, _ . -)', name);
  });
  const undeclared = used.filter((name) => !declared.includes(name));
  if (undeclared.length > 0) {
    throw invalidInput(
      `${what}.variables`,
      `a list including every placeholder of the template (missing ${undeclared.join(', ')})`,
    );
  }
  return unique(declared);
}
