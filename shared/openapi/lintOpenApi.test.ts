import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('docs/openapi.json under Redocly’s recommended rules', () => {
  it('has no error and no warning (npm run lint:openapi)', async () => {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'lint:openapi'], { cwd: repositoryRoot });
    const output = `${stdout}${stderr}`;
    expect(output).toContain('Your API description is valid');
    expect(output).not.toMatch(/\d+ warnings?\b/);
  }, 60_000);
});
