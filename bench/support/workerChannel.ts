/** The child side of `worker.ts`: its input and messages to and from the parent. */

export function workerInput<Input>(): Input {
  const raw = process.argv[2];
  if (!raw) throw new Error('This file is a benchmark worker: run it through bench/support/worker.ts.');
  return JSON.parse(raw) as Input;
}

export function sendToParent(message: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error('No IPC channel to the parent.');
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

export function nextFromParent<Message>(): Promise<Message> {
  return new Promise((resolve) => process.once('message', (message) => resolve(message as Message)));
}

/** Closes the channel so that the child can exit once its work is done. */
export function closeChannel(): void {
  process.disconnect?.();
}
