/**
 * Peers that run in processes of their own and answer the bench over
 * stdin/stdout, one JSON line each: PyTorch (bench/torch_peer.py, with
 * Debian's python3-torch) and tfjs-wasm with threads (tfjs-peer.ts). A peer
 * that cannot start is reported as missing, with the reason, never dropped.
 *
 * Protocol: the peer prints `{"ready": true, ...}` (or `{"ready": false,
 * "error": ...}`); then to each request `{"id": <workload id>}` it answers
 * `{"id", "seconds"}` (median seconds per call) or `{"id", "error"}`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** What a peer measured: seconds per call, or why it could not. */
export type PeerResult = { seconds: number } | { error: string };

/** A peer process answering timing requests. */
export class Peer {
  private constructor(
    private readonly child: ChildProcess,
    /** The peer's stdout, line by line, positioned after its ready line. */
    private readonly lines: AsyncIterator<string>,
    /** What the peer said about itself in its ready line (versions, threads, BLAS). */
    readonly info: Record<string, unknown>,
  ) {}

  /** Starts `command args`; resolves to the peer, or to the reason it is missing. */
  static async start(command: string, args: string[], env: Record<string, string> = {}): Promise<Peer | string> {
    if (command.startsWith('/') && !existsSync(command)) return `${command} not found`;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const rl = createInterface({ input: child.stdout! });
    const lines = rl[Symbol.asyncIterator]();
    const failed = new Promise<string>((resolve) => {
      child.on('error', (e) => resolve(e.message));
      child.on('exit', (code) => resolve(`exited with code ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
    });
    const first = await Promise.race([lines.next().then((r) => (r.done ? undefined : r.value)), failed]);
    if (first === undefined || typeof first !== 'string' || !first.startsWith('{')) {
      child.kill();
      return `did not start (${first ?? 'no output'})`;
    }
    const info = JSON.parse(first) as Record<string, unknown>;
    if (info['ready'] !== true) {
      child.kill();
      return String(info['error'] ?? 'not ready');
    }
    return new Peer(child, lines, info);
  }

  /** Times workload `id` in the peer. */
  async measure(id: string): Promise<PeerResult> {
    this.child.stdin!.write(`${JSON.stringify({ id })}\n`);
    const r = await this.lines.next();
    if (r.done) return { error: 'the peer process ended' };
    const answer = JSON.parse(r.value) as { seconds?: number; error?: string };
    return answer.seconds !== undefined ? { seconds: answer.seconds } : { error: answer.error ?? 'no answer' };
  }

  /** Ends the peer process. */
  close(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}
