/**
 * Cells of one run can share a slow-storage Chatwoot (one per Chatwoot version), and its injected latency, once
 * on, slows every storage read through it: a cell still setting up (whatever it fetches from storage, an image's
 * data_url or thumbnail) would pay the latency in its setup as well, and the run would wait on a delay no user's
 * setup has. The gate lets a cell switch the latency on only once no other cell of the same slow Chatwoot is still
 * in setup. A cell that reaches its setup after the latency is on pays it, as before: the gate waits on other cells'
 * setups, never on a cell that has not started, so it cannot wait on a cell that waits for a slot.
 */
interface Gate {
  settingUp: number;
  waiters: Set<() => void>;
}

const gates = new Map<string, Gate>();

function gateFor(key: string): Gate {
  let gate = gates.get(key);
  if (!gate) {
    gate = { settingUp: 0, waiters: new Set() };
    gates.set(key, gate);
  }
  return gate;
}

/** Marks a setup through the shared slow service `key` as started; call the returned function when it ends (once). */
export function enterSetup(key: string): () => void {
  const gate = gateFor(key);
  gate.settingUp += 1;
  let left = false;
  return () => {
    if (left) return;
    left = true;
    gate.settingUp -= 1;
    if (gate.settingUp > 0) return;
    for (const wake of gate.waiters) wake();
    gate.waiters.clear();
  };
}

/**
 * Resolves once no setup through `key` is running, or after `timeoutMs` (a setup that hangs must not hold the
 * others past their own deadlines). Returns how long it waited, for the scenario's notes.
 */
export function whenNoSetupRunning(key: string, timeoutMs: number): Promise<number> {
  const gate = gateFor(key);
  const started = performance.now();
  if (gate.settingUp === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      gate.waiters.delete(done);
      resolve(Math.round(performance.now() - started));
    };
    const timer = setTimeout(done, timeoutMs);
    gate.waiters.add(done);
  });
}
