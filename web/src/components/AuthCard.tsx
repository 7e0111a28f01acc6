// The centred card the sign-in, sign-up and first-run pages sit in.

import type { ComponentChildren } from 'preact';
import { Icon } from './Icon';

export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: ComponentChildren }) {
  return (
    <main class="auth-page">
      <div class="auth-card">
        <div class="auth-brand" aria-hidden="true">
          <Icon name="cloud" size={40} />
          <span>nbcloud</span>
        </div>
        <h1 class="auth-title">{title}</h1>
        {subtitle && <p class="auth-subtitle">{subtitle}</p>}
        {children}
      </div>
    </main>
  );
}
