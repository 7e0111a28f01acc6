import { describe, expect, it } from 'vitest';
import type { ShellStdinReplyMessage } from '../runtime/protocol';
import { MAX_STDIN_CHARS, ShellStdin } from './shellStdin';

function setup() {
  const sent: ShellStdinReplyMessage[] = [];
  let interrupts = 0;
  const stdin = new ShellStdin({ send: (m) => (sent.push(m), true) }, () => interrupts++);
  return { stdin, sent, interrupts: () => interrupts };
}

describe('the shell input box', () => {
  it('follows the hub: shown, masked on a password prompt, withdrawn', () => {
    const { stdin } = setup();
    stdin.handle({ type: 'shell_stdin', cell_id: 'c1', request_id: 'r1', echo: true, delay_ms: 500 });
    expect(stdin.box.value).toEqual({ cellId: 'c1', requestId: 'r1', echo: true, delayMs: 500 });
    stdin.handle({ type: 'shell_stdin', cell_id: 'c1', request_id: 'r1', echo: false, delay_ms: 500 });
    expect(stdin.box.value).toEqual({ cellId: 'c1', requestId: 'r1', echo: false, delayMs: 0 });
    stdin.handle({ type: 'shell_stdin_done', cell_id: 'c1', request_id: 'older' });
    expect(stdin.box.value?.requestId).toBe('r1');
    stdin.handle({ type: 'shell_stdin_done', cell_id: 'c1', request_id: 'r1' });
    expect(stdin.box.value).toBeNull();
  });

  it('sends typed text for the box that is up, within the limit', () => {
    const { stdin, sent, interrupts } = setup();
    expect(stdin.send('early\n')).toBe(false);
    stdin.interrupt();
    expect(interrupts()).toBe(0);
    stdin.handle({ type: 'shell_stdin', cell_id: 'c1', request_id: 'r1', echo: true, delay_ms: 0 });
    expect(stdin.send('Ada\n')).toBe(true);
    expect(stdin.send('x'.repeat(MAX_STDIN_CHARS + 1))).toBe(false);
    expect(sent).toEqual([{ type: 'shell_stdin_reply', request_id: 'r1', value: 'Ada\n' }]);
    stdin.interrupt();
    expect(interrupts()).toBe(1);
    stdin.reset();
    expect(stdin.send('late\n')).toBe(false);
  });
});
