/**
 * The intake on node:http (local runs and the tests' real HTTP server). Bodies are counted
 * while they stream in: over the bound (by `content-length`, or by bytes for a chunked body)
 * the request is answered 413 and the rest is discarded unread, so a 10 MB body is never held.
 */
import * as http from "node:http";
import { DEFAULT_MAX_BODY_BYTES, type IntakeHandler } from "./handler";

export function intakeRequestListener(handler: IntakeHandler, maxBodyBytes = DEFAULT_MAX_BODY_BYTES): http.RequestListener {
  return (req, res) => {
    const send = (status: number, headers: Record<string, string>, body: string) => {
      if (res.headersSent) return;
      res.writeHead(status, headers);
      res.end(body);
    };
    const tooLarge = () => {
      send(413, { "content-type": "application/json", connection: "close" }, JSON.stringify({ error: `body over ${maxBodyBytes} bytes` }));
      req.resume(); // drain without buffering
    };
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxBodyBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) return;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      handler({ method: req.method ?? "GET", headers, body: Buffer.concat(chunks) }).then(
        (r) => send(r.status, r.headers, r.body),
        () => send(500, { "content-type": "application/json" }, JSON.stringify({ error: "internal error" })),
      );
    });
  };
}
