import { FAILED, NORMAL, type Event } from '../events.js';

/**
 * Succeeds a resource event that is known to be pending (resources trigger only events they hold in a waiting
 * line), skipping `succeed`'s argument checks on the hot path. Same effect as `event.succeed(value)`.
 */
export function grant(event: Event<unknown>, value: unknown): void {
  event._flags &= ~FAILED;
  event._value = value;
  event.env._enqueue(event, NORMAL, 0);
}
