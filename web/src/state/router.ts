// Client-side routes on the History API: the current location as a signal, and navigate().

import { signal } from '@preact/signals';

export interface Location {
  path: string;
  search: string;
}

const read = (): Location => ({ path: window.location.pathname, search: window.location.search });

export const location = signal<Location>(read());

window.addEventListener('popstate', () => {
  location.value = read();
});

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const current = window.location.pathname + window.location.search;
  if (to === current) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  location.value = read();
  window.scrollTo(0, 0);
}

export function currentUrl(): string {
  return window.location.pathname + window.location.search;
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(location.value.search).get(name);
}

/** /drive/<path> for a Drive folder path ("" is My Drive), each segment escaped. */
export function driveUrl(path: string): string {
  if (!path) return '/drive';
  return '/drive/' + path.split('/').map(encodeURIComponent).join('/');
}

/** The Drive folder path a /drive/... URL path names. */
export function drivePathFrom(urlPath: string): string {
  const rest = urlPath.replace(/^\/drive\/?/, '').replace(/\/+$/, '');
  if (!rest) return '';
  return rest
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}
