import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Info-ZIP's `unzip -t` on an archive file: its report, which ends "No errors detected" when every CRC matches. */
export async function testWithUnzip(zipPath: string): Promise<string> {
  const { stdout } = await run('unzip', ['-t', zipPath], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Extracts an archive file into a folder with Info-ZIP's `unzip`. */
export async function extractWithUnzip(zipPath: string, folder: string): Promise<void> {
  await run('unzip', ['-q', '-o', zipPath, '-d', folder], { maxBuffer: 64 * 1024 * 1024 });
}
