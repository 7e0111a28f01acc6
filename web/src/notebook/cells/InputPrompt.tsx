// The field for Python's input() / getpass(): shown in the cell that asks, Enter answers.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { InputRequest } from '../runtime/events';

export function InputPrompt({ request, onReply }: { request: InputRequest; onReply: (value: string) => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [sent, setSent] = useState(false);
  useEffect(() => {
    field.current?.focus();
  }, [request]);
  return (
    <form
      class="nb-input-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        if (sent) return;
        setSent(true);
        onReply(value);
      }}
    >
      <label>
        <span class="nb-input-prompt-text">{request.prompt}</span>
        <input
          ref={field}
          type={request.password ? 'password' : 'text'}
          aria-label={request.prompt.trim() || (request.password ? 'Password' : 'Input')}
          autocomplete="off"
          spellcheck={false}
          value={value}
          disabled={sent}
          onInput={(event) => setValue(event.currentTarget.value)}
          onKeyDown={(event) => event.stopPropagation()}
        />
      </label>
    </form>
  );
}
