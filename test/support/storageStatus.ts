/**
 * The HTTP status of a Blob Storage call made with the SDK: `succeeded` when it resolves (the SDK does
 * not say which 2xx), else the status Blob Storage refused it with (-1 for no HTTP answer).
 */
export async function storageStatusOf(attempt: () => Promise<unknown>, succeeded: number): Promise<number> {
  try {
    await attempt();
    return succeeded;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? -1;
  }
}
