const STORAGE_KEY = 'seedsweep.apiKey';

/**
 * The API key of this tab: sessionStorage, so it is gone when the tab closes and other tabs
 * sign in themselves. Never in a URL, a cookie or localStorage.
 */
export const sessionKey = {
  get(): string | null {
    return sessionStorage.getItem(STORAGE_KEY);
  },
  set(key: string): void {
    sessionStorage.setItem(STORAGE_KEY, key);
  },
  clear(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  },
};
