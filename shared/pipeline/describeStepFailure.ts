/**
 * The first line of a failed activity's error, for the logs. durable-functions hands the orchestrator
 * a failed activity as `Activity function 'name' failed: <message> \n <stack>`: keep the message,
 * never the stack.
 */
export function describeStepFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n')[0]!.trim();
  return firstLine.replace(/^Activity function '[^']*' failed:\s*/, '').slice(0, 500) || 'Processing failed.';
}
