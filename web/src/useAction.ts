import { useCallback, useState } from 'react';
import { describeFailure } from './api/apiError.js';

export interface ActionState {
  busy: boolean;
  error: string | null;
  message: string | null;
  setError(error: string | null): void;
  setMessage(message: string | null): void;
  /** Runs one user action: busy while it runs, its message or the API's error message after. */
  run(action: () => Promise<void>): Promise<void>;
}

/** The busy / error / message state of a group of buttons that call the API. */
export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, message, setError, setMessage, run };
}
