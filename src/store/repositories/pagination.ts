// Keyset pagination over ULID ids: ids grow with creation time, so "id > cursor" pages are stable
// while rows are added, with no offset scans.
import type { Page, PageRequest } from '../records.js';

export function pageQuery(page: PageRequest) {
  return {
    orderBy: { id: 'asc' as const },
    take: page.limit + 1,
    ...(page.after === undefined ? {} : { where: { id: { gt: page.after } } }),
  };
}

/** `rows` were fetched with take = limit + 1: the extra row only says whether another page exists. */
export function toPage<Row extends { id: string }, T>(rows: Row[], page: PageRequest, map: (row: Row) => T): Page<T> {
  const hasMore = rows.length > page.limit;
  const kept = hasMore ? rows.slice(0, page.limit) : rows;
  return { data: kept.map(map), after: hasMore ? (kept.at(-1)?.id ?? null) : null };
}
