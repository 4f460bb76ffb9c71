/** What a view's last action said (`useAction`): its message as a status line, its failure as an alert. */
export function ActionStatus({ message, error }: { message: string | null; error: string | null }) {
  return (
    <>
      {message && <p role="status">{message}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
