import { Link } from '../components/Link';

export function NotFoundPage() {
  return (
    <main class="page" aria-label="Not found">
      <div class="empty-state">
        <h1 class="page-title">Page not found</h1>
        <p class="muted">There is nothing at this address.</p>
        <Link href="/drive" class="button">
          Go to My Drive
        </Link>
      </div>
    </main>
  );
}
