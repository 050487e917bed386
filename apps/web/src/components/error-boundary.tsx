import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorView } from './states.js';

interface State {
  readonly error: unknown;
}

/** A view that fails to render shows its error in place; the rail and top bar keep working. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.warn('view failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <div className="page">
        <ErrorView error={this.state.error} title="This view failed" />
      </div>
    );
  }
}
