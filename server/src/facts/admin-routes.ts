import type { FileFacts } from './index';
import { routeRegistrations } from './routes';

/** How far into a path an `admin` segment still names the admin area: `/admin/...`, `/api/admin/...`, `/api/v1/admin/...`. */
const ADMIN_SEGMENT_DEPTH = 3;

/**
 * True when every route this file registers is under an admin path (`/admin/users`, `/api/admin/...`, a Remix
 * `admin.feature-flags.tsx` module): operator tools, run by hand by a few people over configuration tables,
 * not the traffic of the product.
 */
export function servesOnlyAdminRoutes(facts: FileFacts): boolean {
  return facts.memo('admin-routes.only', () => {
    const registrations = routeRegistrations(facts).filter((registration) => registration.kind === 'route');
    return registrations.length > 0 && registrations.every((registration) => isAdminPath(registration.path));
  });
}

export function isAdminPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  return path
    .split('/')
    .filter((segment) => segment.length > 0)
    .slice(0, ADMIN_SEGMENT_DEPTH)
    .some((segment) => segment.toLowerCase() === 'admin');
}
