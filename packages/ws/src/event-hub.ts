/**
 * A minimal typed event emitter that runs in browsers too (no node:events). Listener lists are
 * replaced, never mutated, so a listener may unsubscribe while an event is being dispatched.
 */
export class EventHub<Events extends object> {
  #listeners = new Map<keyof Events, Array<(payload: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    const list = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...list, listener]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const current = this.#listeners.get(event) ?? [];
      const index = current.indexOf(listener);
      if (index >= 0)
        this.#listeners.set(event, [...current.slice(0, index), ...current.slice(index + 1)]);
    };
  }

  has(event: keyof Events): boolean {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (const listener of list) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (err) {
        // A throwing listener must not leave the client half-way through a state change;
        // rethrow it outside, where it surfaces like any uncaught exception.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
