/** Something that acts on every tick of a shared clock. */
export interface ClockMember {
  tick(): void;
}

interface Clock {
  readonly members: Set<ClockMember>;
  readonly timer: ReturnType<typeof setInterval>;
}

/**
 * One interval timer per distinct heartbeat interval, shared by every connection that uses it,
 * instead of a timer per connection: an idle connection then costs a Set entry, not a timer
 * object and its closures. A connection that joins mid-interval gets its first tick early, which
 * only makes its first ping come sooner; after that it ticks every `interval` like the rest.
 */
const clocks = new Map<number, Clock>();

export function joinClock(interval: number, member: ClockMember): void {
  let clock = clocks.get(interval);
  if (clock === undefined) {
    const members = new Set<ClockMember>();
    const timer = setInterval(() => {
      for (const m of members) m.tick();
    }, interval);
    clock = { members, timer };
    clocks.set(interval, clock);
  }
  clock.members.add(member);
}

/** Leaves the clock; the last member to leave stops its timer, so nothing keeps a process alive. */
export function leaveClock(interval: number, member: ClockMember): void {
  const clock = clocks.get(interval);
  if (clock === undefined || !clock.members.delete(member)) return;
  if (clock.members.size === 0) {
    clearInterval(clock.timer);
    clocks.delete(interval);
  }
}

/** How many shared timers run and how many heartbeats they drive (for tests and diagnostics). */
export function clockStats(): { timers: number; members: number } {
  let members = 0;
  for (const clock of clocks.values()) members += clock.members.size;
  return { timers: clocks.size, members };
}
