// Replaces the current route once rendered.

import { useEffect } from 'preact/hooks';
import { navigate } from '../state/router';

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
