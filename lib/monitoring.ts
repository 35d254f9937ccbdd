// Drift monitoring: a Monitor counts what a model is given and what it says, natively on the engine's threads, for
// every call that names it (`ner.extract(texts, { monitor })`, or as a model default); its profile (counts only, never
// text) can be read, reset, merged with other monitors or saved profiles, and compared with a baseline (lib/drift;
// docs/monitoring.md).
import { fromNative } from './errors';
import { checkProfile, type Profile } from './drift/profile';
import { getBinding } from './native';

const HANDLE = Symbol('native-ner monitor handle');

export class Monitor {
  /** @internal */
  readonly [HANDLE]: unknown;

  constructor() {
    this[HANDLE] = getBinding().newMonitor();
  }

  /** What the monitor has counted so far (calls still running are not in it until they finish). */
  snapshot(): Profile {
    return JSON.parse(getBinding().monitorSnapshot(this[HANDLE], false)) as Profile;
  }

  /** The counts so far, leaving the monitor empty in the same step: no call is lost or counted twice between the two. */
  take(): Profile {
    return JSON.parse(getBinding().monitorSnapshot(this[HANDLE], true)) as Profile;
  }

  /** Forgets every count. */
  reset(): void {
    getBinding().monitorSnapshot(this[HANDLE], true);
  }

  /**
   * Adds the counts of another monitor or of a profile (e.g. one another process wrote), so windows combine. A profile
   * counted over other bins (another version) is refused with ERR_INVALID_ARGUMENT and nothing is added.
   */
  merge(other: Monitor | Profile): void {
    if (other instanceof Monitor) {
      getBinding().monitorMerge(this[HANDLE], other[HANDLE]);
      return;
    }
    const profile = checkProfile(other, 'the profile to merge');
    try {
      getBinding().monitorMerge(this[HANDLE], JSON.stringify(profile), 'the profile to merge');
    } catch (error) {
      throw fromNative(error);
    }
  }
}

/** The binding's handle of a monitor; a TypeError for anything that is not a Monitor. @internal */
export function monitorHandle(monitor: unknown): unknown {
  if (!(monitor instanceof Monitor)) throw new TypeError('monitor must be a Monitor (new Monitor())');
  return monitor[HANDLE];
}
