// Choices the user makes once and expects to find again: kept in localStorage, per page.

const prefix = 'runmeter.';

/** A remembered string choice, one of `choices`, else `fallback`. */
export function loadChoice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
  try {
    const value = localStorage.getItem(prefix + key);
    return value !== null && (choices as readonly string[]).includes(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

/** A remembered number within [min, max], else `fallback`. */
export function loadNumber(key: string, fallback: number, min: number, max: number): number {
  try {
    const value = Number(localStorage.getItem(prefix + key));
    return localStorage.getItem(prefix + key) !== null && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
  } catch {
    return fallback;
  }
}

/** Remembers a choice. Private windows may refuse storage: then it lasts for this page only. */
export function save(key: string, value: string | number): void {
  try {
    localStorage.setItem(prefix + key, String(value));
  } catch {
    // Storage is full or disabled: the choice still applies until the page closes.
  }
}
