export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
/** Deeper pages are refused at the edge (400); this clamp only keeps a bad caller from reaching SQL with 1e20. */
export const MAX_PAGE_OFFSET = 1_000_000;

export function pageRequest(limit?: number, offset?: number): PageRequest {
  return {
    limit: Math.min(Math.max(Math.trunc(limit ?? DEFAULT_PAGE_LIMIT), 1), MAX_PAGE_LIMIT),
    offset: Math.min(Math.max(Math.trunc(Number.isFinite(offset) ? (offset as number) : 0), 0), MAX_PAGE_OFFSET),
  };
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { ...page, items: page.items.map(map) };
}
