import { useState, type ReactNode } from 'react';
import { ErrorView } from '../components/states.js';

/** Sign-in with an API key (the start URL printed by `doppel serve` signs in by itself). */
export function SignIn({ error, onKey }: { error: unknown; onKey: (key: string) => void }): ReactNode {
  const [key, setKey] = useState('');
  return (
    <div className="signin">
      <form
        className="panel signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim() !== '') onKey(key.trim());
        }}
      >
        <h1>Doppel</h1>
        <p className="muted">A digital twin sandbox. Sign in with an API key.</p>
        <label className="field">
          API key
          <input
            type="password"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            aria-label="API key"
            autoFocus
          />
        </label>
        {error !== undefined && <ErrorView error={error} title="Sign-in failed" />}
        <button type="submit" className="primary" disabled={key.trim() === ''}>
          Sign in
        </button>
        <p className="faint">
          Tip: <code>npx doppel serve</code> prints a start URL that signs you in.
        </p>
      </form>
    </div>
  );
}
