import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'sweeps' } | { page: 'sweep'; id: string } | { page: 'submit' };

/** Pages live in the fragment (#/sweeps/<id>), so the API serves one page at `/`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const sweep = /^\/sweeps\/([\w.-]+)$/.exec(path);
  if (sweep) return { page: 'sweep', id: sweep[1]! };
  if (path === '/submit') return { page: 'submit' };
  return { page: 'sweeps' };
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
