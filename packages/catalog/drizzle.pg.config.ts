import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config drizzle.pg.config.ts` writes the next PostgreSQL migration from the schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/pg.ts',
  out: './drizzle/pg',
});
