import type { TestProject } from 'vitest/node';
import { startAzurite } from '../../devhost/azurite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the run's in-memory Azurite (blob, queue, table). */
    azuriteConnectionString: string;
  }
}

/** One in-memory Azurite on free ports for the whole run. */
export default async function setup(project: TestProject) {
  const azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
  return () => azurite.stop();
}
