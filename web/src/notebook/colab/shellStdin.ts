// The input box of the shell command (`!cmd`, `%%shell`) this person runs. The hub sends
// {"type": "shell_stdin", cell_id, request_id, echo, delay_ms} when the command starts (again when
// the terminal's echo changes: echo false is a password prompt) and {"type": "shell_stdin_done",
// cell_id, request_id} when it ends; what is typed goes back as {"type": "shell_stdin_reply",
// request_id, value}: a line with its "\n", or "\x04" (Ctrl+D, end of input).

import { signal } from '@preact/signals';
import { exhaustive, type ShellStdinDoneMessage, type ShellStdinMessage, type ShellStdinReplyMessage } from '../runtime/protocol';

/** The hub's limit on one message (a line or a pasted block). */
export const MAX_STDIN_CHARS = 64 * 1024;
/** Ctrl+D: end of input, as a terminal sends it. */
export const END_OF_INPUT = '\x04';

export interface StdinBox {
  cellId: string;
  requestId: string;
  /** False while the command reads a password: the box masks what is typed. */
  echo: boolean;
  /** Show the box only after this long, so quick commands do not flash one. */
  delayMs: number;
}

export class ShellStdin {
  /** The box that is up (one cell runs at a time), or null. */
  readonly box = signal<StdinBox | null>(null);

  constructor(
    private readonly events: { send(message: ShellStdinReplyMessage): boolean },
    private readonly interruptRuntime: () => void,
  ) {}

  /** Takes the events socket's shell_stdin / shell_stdin_done. */
  handle(message: ShellStdinMessage | ShellStdinDoneMessage): void {
    switch (message.type) {
      case 'shell_stdin': {
        const { request_id: requestId, cell_id: cellId } = message;
        if (!requestId || !cellId) return;
        this.box.value = {
          cellId,
          requestId,
          echo: message.echo,
          // An update of the box that is up keeps it visible.
          delayMs: this.box.value?.requestId === requestId ? 0 : Math.max(0, message.delay_ms),
        };
        return;
      }
      case 'shell_stdin_done':
        if (this.box.value?.requestId === message.request_id) this.box.value = null;
        return;
      default:
        exhaustive(message);
    }
  }

  /** Types `text` into the running command; false when no box is up or it is too long. */
  send(text: string): boolean {
    const box = this.box.value;
    if (!box || !text || text.length > MAX_STDIN_CHARS) return false;
    return this.events.send({ type: 'shell_stdin_reply', request_id: box.requestId, value: text });
  }

  /** Ctrl+C in the box: interrupt the runtime, which sends SIGINT to the command. */
  interrupt(): void {
    if (this.box.value) this.interruptRuntime();
  }

  /** The events socket closed: the hub shows the box again on reconnect if it is still up. */
  reset(): void {
    this.box.value = null;
  }
}
