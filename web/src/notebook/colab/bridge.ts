// Answers the Colab requests of the cells this person runs (google.colab in the runtime), relays
// invokeFunction calls from output frames to the hub, and gets output frames the links their
// proxyPort asks for (a web server in the runtime, through the hub, for the person viewing).
// Requests come from the notebook's events socket as {"type": "colab_request", cell_id,
// request_id, request_type, request}; the answer goes back on the same socket as
// {"type": "colab_reply", request_id, reply | error}.
// eval_js runs in the cell's sandboxed output frame, never in this page. A running shell
// command's input box has its own messages (see shellStdin).

import { signal } from '@preact/signals';
import { portLink } from '../../api/notebooks';
import { showError } from '../../state/toasts';
import { decodeBase64, saveDownload } from './bytes';
import { evalInCell, onComm, onInvoke, onProxyPort, post, removeHiddenFrames } from './frames';
import { FrameComms } from './frameComms';
import type { ColabInvoke, ColabProxyPort } from './protocol';
import {
  exhaustive,
  type ColabRequestDoneMessage,
  type ColabRequestMessage,
  type FrameCommEventMessage,
  type InvokeFunctionReplyMessage,
  type PageMessage,
} from '../runtime/protocol';
import { ShellStdin } from './shellStdin';

/** A request that waits for the person (a picker, a consent dialog). files.view is not one: the
 * hub checks its path and sends the page a "files_view" event, which opens the file viewer. */
export interface ColabPrompt {
  requestId: string;
  cellId: string;
  type: 'files_upload' | 'drive_mount';
  request: Record<string, unknown>;
}

/** What the bridge needs of the events socket. */
export interface EventsLink {
  send(message: PageMessage): boolean;
}

/** The events socket's messages the bridge handles. */
export type ColabEvent = ColabRequestMessage | ColabRequestDoneMessage | InvokeFunctionReplyMessage | FrameCommEventMessage;

export class ColabBridge {
  /** Requests shown in their cell (see ColabPrompts). */
  readonly prompts = signal<ColabPrompt[]>([]);
  /** The input box of the shell command this person runs. */
  readonly stdin: ShellStdin;
  /** google.colab.kernel.comms of this notebook's output frames. */
  readonly comms: FrameComms;
  private invokes = new Map<string, { source: Window; id: number }>();
  private invokeCount = 0;

  constructor(
    private readonly events: EventsLink,
    private readonly notebookId: string,
    interrupt: () => void = () => {},
  ) {
    this.stdin = new ShellStdin(events, interrupt);
    this.comms = new FrameComms(events);
    onComm((cellId, source, message) => this.comms.fromFrame(cellId, source, message));
    onInvoke((cellId, source, message) => this.invoke(cellId, source, message));
    onProxyPort((_cellId, source, message) => void this.proxyPort(source, message));
  }

  destroy(): void {
    onInvoke(null);
    onProxyPort(null);
    onComm(null);
    removeHiddenFrames();
    this.prompts.value = [];
    this.stdin.reset();
  }

  /** The events socket closed: what waits is sent again when it reconnects. */
  disconnected(): void {
    this.stdin.reset();
    this.comms.disconnected();
  }

  /** A Colab request, its withdrawal, or the answer to an output's invokeFunction. */
  handle(message: ColabEvent): void {
    switch (message.type) {
      case 'colab_request':
        return this.request(message);
      case 'colab_request_done':
        return this.dismiss(message.request_id);
      case 'invoke_function_reply':
        return this.invoked(message);
      case 'frame_comm':
        return this.comms.fromHub(message);
      default:
        exhaustive(message);
    }
  }

  reply(requestId: string, reply: unknown): void {
    this.dismiss(requestId);
    this.events.send({ type: 'colab_reply', request_id: requestId, reply });
  }

  fail(requestId: string, error: string): void {
    this.dismiss(requestId);
    this.events.send({ type: 'colab_reply', request_id: requestId, error });
  }

  dismiss(requestId: string): void {
    const left = this.prompts.value.filter((p) => p.requestId !== requestId);
    if (left.length !== this.prompts.value.length) this.prompts.value = left;
  }

  private request(message: ColabRequestMessage): void {
    const { request_id: requestId, cell_id: cellId, request_type: type, request: body } = message;
    if (!requestId) return;
    switch (type) {
      case 'cell_javascript_eval':
        evalInCell(cellId, String(body.script ?? '')).then(
          (value) => this.reply(requestId, value),
          (error: unknown) => this.fail(requestId, error instanceof Error ? error.message : String(error)),
        );
        return;
      case 'files_upload':
      case 'drive_mount':
        this.prompts.value = [...this.prompts.value, { requestId, cellId, type, request: body }];
        return;
      case 'files_download':
        // Fire-and-forget: the runtime does not wait for an answer.
        try {
          saveDownload(String(body.name ?? 'download'), decodeBase64(String(body.data ?? '')));
        } catch (error) {
          showError(new Error(`The download of ${String(body.name)} failed: ${String(error)}. Run files.download again.`));
        }
        return;
      default:
        this.fail(requestId, `This page cannot answer the Colab request "${type}". nbcloud supports eval_js, files, drive and userdata.`);
    }
  }

  /** A frame's invokeFunction: to the hub, on behalf of the frame's own cell. */
  private invoke(cellId: string, source: Window, message: ColabInvoke): void {
    const requestId = `invoke-${Date.now().toString(36)}-${++this.invokeCount}`;
    const sent = this.events.send({
      type: 'invoke_function',
      request_id: requestId,
      cell_id: cellId,
      name: message.name,
      args: message.args,
      kwargs: message.kwargs,
    });
    if (!sent) {
      post(source, { nbcloud: 'colab-invoke-result', id: message.id, error: 'Not connected to the runtime. Wait for it to reconnect and try again.' });
      return;
    }
    this.invokes.set(requestId, { source, id: message.id });
  }

  /** A frame's proxyPort: the hub mints a link for this person, to this notebook's runtime. */
  private async proxyPort(source: Window, message: ColabProxyPort): Promise<void> {
    try {
      const link = await portLink(this.notebookId, message.port);
      // Absolute: the frame is on an origin of its own (or an opaque one), not the hub's.
      post(source, { nbcloud: 'colab-proxy-port-result', id: message.id, url: new URL(link.url, window.location.origin).href });
    } catch (error) {
      post(source, { nbcloud: 'colab-proxy-port-result', id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private invoked(message: InvokeFunctionReplyMessage): void {
    const call = this.invokes.get(message.request_id);
    if (!call) return;
    this.invokes.delete(message.request_id);
    if (message.error !== undefined) post(call.source, { nbcloud: 'colab-invoke-result', id: call.id, error: message.error });
    else post(call.source, { nbcloud: 'colab-invoke-result', id: call.id, result: message.result ?? null });
  }
}
