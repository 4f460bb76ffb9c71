/** Where the devhost's lines go (`console.log` by default, a collector in tests). */
export type LogSink = (line: string) => void;

export function timestamped(message: string): string {
  return `[${new Date().toISOString()}] ${message}`;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
