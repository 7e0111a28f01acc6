// The alert region: API errors and short notices, each dismissable.

import { dismissToast, toasts } from '../state/toasts';
import { Icon } from './Icon';

export function Toasts() {
  return (
    <div class="toasts" aria-live="assertive">
      {toasts.value.map((toast) => (
        <div key={toast.id} class={`toast toast-${toast.kind}`} role="alert">
          <Icon name={toast.kind === 'error' ? 'error' : 'done'} />
          <span class="toast-text">{toast.text}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
            <Icon name="close" size={18} />
          </button>
        </div>
      ))}
    </div>
  );
}
