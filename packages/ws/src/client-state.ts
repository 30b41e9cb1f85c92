/**
 * `idle` (not connected yet, or the first connect failed) → `connecting` → `open` →
 * `reconnecting` (after a drop: back-off and attempts) → `open` … → `closing` → `closed` (final).
 */
export type WebSocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';
