import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneBuildOutput } from './pruneBuildOutput.js';

describe('pruneBuildOutput', () => {
  let root: string;
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('removes the compiled files of deleted sources and keeps the rest', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'prune-'));
    const files = {
      'functions/kept.ts': '',
      'dist/functions/kept.js': '',
      'dist/functions/kept.js.map': '',
      'dist/functions/deleted.js': '',
      'dist/functions/deleted.js.map': '',
      'dist/shared/pipeline/gone.js': '',
      'dist/.tsbuildinfo': '',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await writeFile(path.join(root, name), text);
    }

    const removed = await pruneBuildOutput(root);

    expect(removed.sort()).toEqual(['dist/functions/deleted.js', 'dist/functions/deleted.js.map', 'dist/shared/pipeline/gone.js']);
    for (const kept of ['dist/functions/kept.js', 'dist/functions/kept.js.map', 'dist/.tsbuildinfo']) {
      expect(existsSync(path.join(root, kept))).toBe(true);
    }
  });
});
