import type { ReactNode } from 'react';
import { ApiProblem } from '../api/types.js';

export function Loading({ label = 'Loading…' }: { label?: string }): ReactNode {
  return (
    <div className="state-box" role="status" aria-live="polite">
      <div className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }): ReactNode {
  return (
    <div className="state-box">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

/** An API error with its code, message and the fields or lines it points at. */
export function ErrorView({ error, title }: { error: unknown; title?: string }): ReactNode {
  if (error === undefined || error === null) return null;
  const problem =
    error instanceof ApiProblem
      ? error
      : new ApiProblem(error instanceof Error ? error.message : String(error), 'DOPPEL_ERR_UI', 0);
  return (
    <div className="error-box" role="alert">
      {title !== undefined && <strong>{title}: </strong>}
      {problem.message}
      {problem.code !== 'DOPPEL_ERR_UI' && (
        <>
          {' '}
          <code>{problem.code}</code>
        </>
      )}
      {problem.issues.length > 0 && (
        <ul>
          {problem.issues.map((issue, i) => (
            <li key={i}>
              {issue.path !== undefined && issue.path !== '' && <code>{issue.path}</code>}
              {issue.line !== undefined && <span> line {issue.line}</span>}
              {(issue.path !== undefined || issue.line !== undefined) && ': '}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
