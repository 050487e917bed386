import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config drizzle.sqlite.config.ts` writes the next SQLite migration from the schema.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema/sqlite.ts',
  out: './drizzle/sqlite',
});
