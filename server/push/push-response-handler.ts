import type { Dispatcher } from 'undici';

/** A push service's answer: all the sender looks at. */
export interface PushResponse {
  status: number;
  retryAfter: string | undefined;
  /** The start of an error answer's body, for the log; empty for 2xx. */
  reason: string;
}

/** Bytes of an error body kept: enough for the 200 characters logged. */
const REASON_BYTES = 800;
const REASON_CHARS = 200;

/**
 * The least undici needs to hand back one push's answer, passed to
 * `dispatcher.dispatch`. `dispatcher.request` would wrap every answer in a
 * readable stream and an async resource and settle through several promises;
 * a push's answer is a status, maybe Retry-After and an error body nobody
 * reads past 200 characters, so this keeps those and drops the rest of the
 * bytes as they arrive. It settles once, when the answer is complete (or
 * failed), so the connection is free again by the time the caller runs.
 */
export class PushResponseHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private retryAfter: string | undefined;
  private reasonChunks: Buffer[] | undefined;
  private reasonBytes = 0;

  constructor(
    private readonly resolve: (response: PushResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    if (statusCode < 300) return;
    const header = headers['retry-after'];
    this.retryAfter = Array.isArray(header) ? header[0] : header;
    this.reasonChunks = [];
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.reasonChunks || this.reasonBytes >= REASON_BYTES) return;
    this.reasonChunks.push(chunk);
    this.reasonBytes += chunk.length;
  }

  onResponseEnd(): void {
    const reason = this.reasonChunks ? Buffer.concat(this.reasonChunks).toString('utf8').slice(0, REASON_CHARS) : '';
    this.resolve({ status: this.status, retryAfter: this.retryAfter, reason });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.reject(err);
  }
}
