// The box under a running shell command's output (`!cmd`, `%%shell`): Enter types the line into
// the command, Ctrl+C interrupts it, Ctrl+D ends its input. While the command reads a password
// (the terminal's echo is off) the box is a password field, and the terminal does not echo what
// is typed into the output.

import { useEffect, useRef, useState } from 'preact/hooks';
import { END_OF_INPUT, type ShellStdin, type StdinBox } from './shellStdin';

export function ShellInput({ stdin, box }: { stdin: ShellStdin; box: StdinBox }) {
  const [shown, setShown] = useState(box.delayMs <= 0);
  const [value, setValue] = useState('');
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (shown) return;
    const timer = window.setTimeout(() => setShown(true), box.delayMs);
    return () => window.clearTimeout(timer);
  }, [shown, box.delayMs]);

  // Take the keyboard when the person is still in this cell (they just ran it) or nowhere, and
  // when a password is asked; never from another cell they moved on to.
  useEffect(() => {
    const input = field.current;
    if (!shown || !input) return;
    const active = document.activeElement;
    const cell = input.closest('.nb-code');
    if (!active || active === document.body || cell?.contains(active)) input.focus();
  }, [shown, box.echo]);

  if (!shown) return null;
  const label = box.echo ? 'Input for the running command' : 'Password for the running command';
  return (
    <form
      class="colab-stdin"
      onSubmit={(event) => {
        event.preventDefault();
        if (stdin.send(value + '\n')) setValue('');
      }}
    >
      <input
        ref={field}
        type={box.echo ? 'text' : 'password'}
        aria-label={label}
        title="Enter sends the line to the command, Ctrl+C interrupts it, Ctrl+D ends its input"
        placeholder={box.echo ? 'Type here, then Enter' : 'Password, then Enter'}
        autocomplete={box.echo ? 'off' : 'new-password'}
        autocapitalize="off"
        spellcheck={false}
        value={value}
        onInput={(event) => setValue(event.currentTarget.value)}
        onKeyDown={(event) => {
          event.stopPropagation(); // not the notebook's shortcuts
          if (!event.ctrlKey || event.altKey || event.metaKey) return;
          const key = event.key.toLowerCase();
          const input = event.currentTarget;
          const selected = input.selectionStart !== input.selectionEnd;
          if (key === 'c' && !selected) {
            event.preventDefault();
            stdin.interrupt();
          } else if (key === 'd' && value === '') {
            event.preventDefault();
            stdin.send(END_OF_INPUT);
          }
        }}
      />
    </form>
  );
}
