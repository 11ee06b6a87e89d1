import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  bytesPerRequest: number;
  /** Answers per HTTP status. */
  statuses?: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A list of bodies used in turn (e.g. different policies to start). */
  bodies?: string[];
  paths?: string[];
  connections?: number;
  duration?: number;
  amount?: number;
}

const worker = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/** Load from a separate process (autocannon), so the generator does not share the hub's event loop. */
export function load(options: LoadOptions): Promise<LoadResult> {
  const args = JSON.stringify({ connections: 16, duration: 5, ...options });
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', worker, args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult);
    });
  });
}
