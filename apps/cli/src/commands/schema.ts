import { scenarioJsonSchema, scenarioReferenceMarkdown } from '@doppel/twin';
import type { Command } from 'commander';
import { builtinPacks } from '@doppel/server/packs';

/** The text `doppel schema` prints: the scenario JSON Schema, or with `markdown` the scenario reference. */
export function schemaText(markdown: boolean): string {
  if (markdown) return scenarioReferenceMarkdown(builtinPacks);
  return `${JSON.stringify(scenarioJsonSchema(builtinPacks), null, 2)}\n`;
}

/** Registers `doppel schema`. */
export function register(program: Command): void {
  program
    .command('schema')
    .description(
      'Print the JSON Schema of scenario files, for editors (npx doppel schema > doppel.schema.json); ' +
        'with --markdown, the scenario reference',
    )
    .option('--markdown', 'print the scenario reference (Markdown) instead of the JSON Schema')
    .action((options: { markdown?: boolean }) => {
      process.stdout.write(schemaText(options.markdown === true));
    });
}
