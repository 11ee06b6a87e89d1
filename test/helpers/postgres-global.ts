import type { TestProject } from 'vitest/node';
import { startTestPostgres, type TestPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway cluster of the hub-postgres project (see vitest.config.ts). */
    postgresUrl: string;
  }
}

let cluster: TestPostgres | undefined;

/** Starts one throwaway PostgreSQL cluster for the project's test files; createTestHub makes a database per hub on it. */
export async function setup(project: TestProject): Promise<void> {
  cluster = await startTestPostgres();
  project.provide('postgresUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
