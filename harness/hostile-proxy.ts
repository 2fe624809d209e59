/**
 * A hostile server in front of the emulator, for the answers the emulator itself never gives: a body trickled one
 * byte at a time, a body of hundreds of megabytes, a 200 that is not what was asked for. Every request is first
 * forwarded to the emulator (so a write is really applied), then a matching rule decides what the client gets
 * instead of the emulator's answer. Requests no rule matches pass through unchanged.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What the emulator answered. */
export interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What the client gets instead. */
export type HostileAnswer =
  /** This status and body; `trickleMs` sends it one byte every `trickleMs` (headers at once). */
  | { kind: "reply"; status: number; body: string | Buffer; headers?: Record<string, string>; trickleMs?: number }
  /** `bytes` bytes of a JSON body, chunked (no Content-Length), so only a streamed count can stop it. */
  | { kind: "huge"; bytes: number; status?: number; declareLength?: boolean };

export interface HostileRule {
  /** HTTP method to match. @default any */
  method?: string;
  /** Tested against the path (query included). */
  route: RegExp;
  /** Matching requests it applies to. @default 1 */
  times?: number;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
  answer(upstream: UpstreamAnswer, request: { method: string; url: string; body: Buffer }): HostileAnswer;
}

export interface HostileProxy {
  /** "http://127.0.0.1:<port>": use it as both platform and IMS URL. */
  readonly url: string;
  add(rule: HostileRule): void;
  /** Rules that have not applied yet (times left). */
  pending(): number;
  close(): Promise<void>;
}

interface LiveRule {
  rule: HostileRule;
  remaining: number;
  toSkip: number;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

function forward(target: URL, request: http.IncomingMessage, body: Buffer): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers, host: target.host };
    delete headers["content-length"];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...headers, "content-length": String(body.length) } },
      (response) => {
        readAll(response).then((buffer) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: buffer }), reject);
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

async function send(response: http.ServerResponse, answer: HostileAnswer, closed: () => boolean): Promise<void> {
  if (answer.kind === "huge") {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (answer.declareLength === true) headers["content-length"] = String(answer.bytes);
    response.writeHead(answer.status ?? 200, headers);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    chunk.write('{"items":[');
    let sent = 0;
    while (sent < answer.bytes && !closed()) {
      const part = sent + chunk.length <= answer.bytes ? chunk : chunk.subarray(0, answer.bytes - sent);
      sent += part.length;
      if (!response.write(part)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            response.off("drain", done).off("close", done);
            resolve();
          };
          response.on("drain", done).on("close", done);
        });
      }
    }
    response.end();
    return;
  }
  const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  response.writeHead(answer.status, { "content-type": "application/json", "content-length": String(body.length), ...answer.headers });
  if (answer.trickleMs === undefined) {
    response.end(body);
    return;
  }
  for (let i = 0; i < body.length && !closed(); i++) {
    response.write(body.subarray(i, i + 1));
    await new Promise((resolve) => setTimeout(resolve, answer.trickleMs));
  }
  response.end();
}

/** Starts a hostile proxy on 127.0.0.1 in front of `targetUrl` (the emulator's URL). */
export async function startHostileProxy(targetUrl: string): Promise<HostileProxy> {
  const target = new URL(targetUrl);
  const rules: LiveRule[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((request, response) => {
    let closed = false;
    response.on("close", () => (closed = true));
    void (async () => {
      const body = await readAll(request);
      const upstream = await forward(target, request, body);
      const method = request.method ?? "GET";
      const url = request.url ?? "/";
      const live = rules.find(
        ({ rule, remaining }) => remaining > 0 && (rule.method === undefined || rule.method.toUpperCase() === method) && rule.route.test(url),
      );
      if (live !== undefined && live.toSkip > 0) {
        live.toSkip--;
      } else if (live !== undefined) {
        live.remaining--;
        await send(response, live.rule.answer(upstream, { method, url, body }), () => closed);
        return;
      }
      const headers = { ...upstream.headers };
      delete headers["transfer-encoding"];
      response.writeHead(upstream.status, { ...headers, "content-length": String(upstream.body.length) });
      response.end(upstream.body);
    })().catch(() => response.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    add(rule) {
      rules.push({ rule, remaining: rule.times ?? 1, toSkip: rule.skip ?? 0 });
    },
    pending: () => rules.reduce((sum, { remaining }) => sum + remaining, 0),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
