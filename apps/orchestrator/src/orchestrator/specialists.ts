import type { SpecialistRepository } from '@orch/unified';

/** The variables every specialist template may use (filled by `orchestrator_execute_task`). */
export const TEMPLATE_VARIABLES = [
  'role',
  'task_title',
  'task_description',
  'parent_title',
  'dependencies',
  'project_dir',
] as const;

export interface DefaultSpecialist {
  readonly name: string;
  readonly category: string;
  readonly description: string;
  readonly prompt: string;
  readonly taskTypes: string[];
  readonly capabilities: string[];
  /** Role-specific part of the instructions; wrapped in {@link instructionsTemplate}. */
  readonly focus: string;
}

/**
 * The roles a fresh database starts with. They are written once, when the specialist repository
 * is empty: after that they are the user's to change (`orch specialists`), and removed ones stay removed.
 */
export const DEFAULT_SPECIALISTS: readonly DefaultSpecialist[] = [
  {
    name: 'architect',
    category: 'design',
    description: 'Designs the structure: components, interfaces, data model and trade-offs.',
    prompt:
      'You are a software architect. You choose simple structures that meet the requirements and explain the trade-offs.',
    taskTypes: ['design', 'architecture', 'subtask'],
    capabilities: ['system design', 'interfaces', 'data modelling', 'trade-off analysis'],
    focus:
      'Produce a design: the components and their responsibilities, the interfaces between them, the data model, and the main risks. Prefer the simplest design that works.',
  },
  {
    name: 'implementer',
    category: 'engineering',
    description: 'Writes the code that the design calls for, in small reviewable steps.',
    prompt: 'You are a senior software engineer. You write clear, tested, idiomatic code.',
    taskTypes: ['implementation', 'code', 'subtask'],
    capabilities: ['coding', 'refactoring', 'debugging'],
    focus:
      'Implement the change. Keep functions small, handle errors explicitly, and list the files you changed.',
  },
  {
    name: 'tester',
    category: 'quality',
    description: 'Writes and runs tests that could fail: behaviour, edge cases, regressions.',
    prompt: 'You are a test engineer. You look for the inputs that break things.',
    taskTypes: ['testing', 'qa', 'subtask'],
    capabilities: ['unit tests', 'integration tests', 'edge cases'],
    focus:
      'Write tests for the behaviour, including malformed input and boundary cases; report what passed, what failed and what is not covered.',
  },
  {
    name: 'reviewer',
    category: 'quality',
    description: 'Reviews changes for correctness, clarity, security and maintainability.',
    prompt: 'You are a careful code reviewer. You are specific and you explain why.',
    taskTypes: ['review', 'subtask'],
    capabilities: ['code review', 'security review', 'API review'],
    focus:
      'Review the work of the tasks this one depends on: list concrete problems by severity, each with a suggested fix.',
  },
  {
    name: 'documenter',
    category: 'documentation',
    description: 'Writes the documentation people read: READMEs, guides, API references.',
    prompt: 'You are a technical writer. You write short, accurate documentation with runnable examples.',
    taskTypes: ['documentation', 'docs', 'subtask'],
    capabilities: ['READMEs', 'guides', 'API reference', 'changelogs'],
    focus: 'Document what was built: what it is for, how to use it (with an example), and its limits.',
  },
  {
    name: 'researcher',
    category: 'research',
    description: 'Finds out what is known: prior art, libraries, constraints, facts to decide on.',
    prompt: 'You are a researcher. You separate facts from guesses and cite where each fact comes from.',
    taskTypes: ['research', 'analysis', 'subtask'],
    capabilities: ['literature search', 'library evaluation', 'requirements analysis'],
    focus: 'Gather the facts the next steps need; give a recommendation and say how sure you are.',
  },
  {
    name: 'devops',
    category: 'operations',
    description: 'Builds, deploys and runs things: CI, packaging, configuration, monitoring.',
    prompt: 'You are a DevOps engineer. You automate builds and deployments and make failures visible.',
    taskTypes: ['deployment', 'ci', 'operations', 'subtask'],
    capabilities: ['CI/CD', 'packaging', 'configuration', 'monitoring'],
    focus: 'Make the work buildable, deployable and observable; write down every manual step you automate.',
  },
];

/** The template text of a role (`{{…}}` placeholders from {@link TEMPLATE_VARIABLES}). */
export function instructionsTemplate(focus: string): string {
  return [
    'You are acting as the {{role}} on the task "{{task_title}}" (part of "{{parent_title}}").',
    '',
    'Task: {{task_description}}',
    '',
    `What to do: ${focus}`,
    '',
    'Results of the tasks this one depends on:',
    '{{dependencies}}',
    '',
    'Project directory: {{project_dir}}',
    '',
    'When you are done, call orchestrator_complete_task with a short summary and put the detailed work in detailed_work or artifacts.',
  ].join('\n');
}

/** Template used when a specialist has none of its own. */
export const GENERIC_FOCUS = 'Do the task well and report what you did.';

export function templateName(role: string): string {
  return `specialist/${role}`;
}

/**
 * Write the default roles and their templates when the repository has no specialist at all.
 * Returns how many were created (0 when the user's set is already there).
 */
export async function seedSpecialists(repo: SpecialistRepository): Promise<number> {
  const existing = await repo.list({ limit: 1 });
  if (existing.total > 0) return 0;
  let created = 0;
  for (const s of DEFAULT_SPECIALISTS) {
    const name = templateName(s.name);
    let template = await repo.getTemplateByName(name);
    if (!template) {
      try {
        template = await repo.createTemplate({
          name,
          category: s.category,
          template: instructionsTemplate(s.focus),
          variables: [...TEMPLATE_VARIABLES],
        });
      } catch (err) {
        template = await repo.getTemplateByName(name);
        if (!template) throw err;
      }
    }
    try {
      await repo.create({
        name: s.name,
        category: s.category,
        description: s.description,
        prompt: s.prompt,
        taskTypes: s.taskTypes,
        capabilities: s.capabilities,
        metadata: { template: template.name, seeded: true },
      });
      created++;
    } catch (err) {
      // Another process seeded the same role at the same moment: theirs is as good as ours.
      if ((await repo.getByName(s.name)) === null) throw err;
    }
  }
  return created;
}
