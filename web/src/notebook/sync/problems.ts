// What a closed document socket means for the person looking at the page.

export interface SyncProblem {
  code: number;
  /** What happened and what to do, for the page. */
  message: string;
  kind: 'signed_out' | 'not_found' | 'bad_notebook';
}

export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_NOT_FOUND = 4404;
export const CLOSE_BAD_NOTEBOOK = 4422;

/** The problem behind a close code that reconnecting cannot fix, or null (then reconnect). */
export function fatalProblem(code: number, reason: string): SyncProblem | null {
  if (code === CLOSE_SIGNED_OUT) {
    return { code, kind: 'signed_out', message: 'You are signed out. Sign in again to keep editing this notebook.' };
  }
  if (code === CLOSE_NOT_FOUND) {
    return {
      code,
      kind: 'not_found',
      message: reason || 'That notebook does not exist or you have no access to it. Go back to Drive.',
    };
  }
  if (code === CLOSE_BAD_NOTEBOOK) {
    return {
      code,
      kind: 'bad_notebook',
      message:
        (reason || 'This file is not a valid notebook.') +
        ' Download it from Drive to fix it, or upload a valid .ipynb.',
    };
  }
  return null;
}

/** The hub refused this page's last change: it would have made the notebook unsavable. */
export const CLOSE_REJECTED_UPDATE = 4400;
/** This page's document is from an earlier load of the notebook (the hub restarted). */
export const CLOSE_STALE_DOCUMENT = 4409;
