/**
 * A small DNS client over UDP (node:dgram + dns-packet), so the diagnostics can ask a chosen
 * resolver for any record type — node:dns cannot query DS or DNSKEY, which the DNSSEC line needs —
 * and tests can point it at a DNS server they start on 127.0.0.1.
 */
import * as dgram from "node:dgram";
import { randomInt } from "node:crypto";
import * as dnsPacket from "dns-packet";

export interface Resolver {
  host: string;
  port: number;
}

export interface DnsAnswer {
  rcode: string;
  /** The resolver validated the answer with DNSSEC (AD flag). */
  authenticated: boolean;
  answers: dnsPacket.Answer[];
}

/** Sends one query (RD, EDNS0 with the DO bit) and waits for its answer. */
export function queryDns(resolver: Resolver, name: string, type: dnsPacket.RecordType, timeoutMs = 3000): Promise<DnsAnswer> {
  const id = randomInt(0, 65_536);
  const query = dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
    questions: [{ type, name, class: "IN" }],
    additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK } as unknown as dnsPacket.Answer],
  });
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(resolver.host.includes(":") ? "udp6" : "udp4");
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${resolver.host}:${resolver.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("message", (msg) => {
      let packet: dnsPacket.DecodedPacket;
      try {
        packet = dnsPacket.decode(msg);
      } catch {
        return; // not a DNS answer: keep waiting
      }
      if (packet.id !== id) return;
      clearTimeout(timer);
      socket.close();
      const rcode = (packet as unknown as { rcode?: string }).rcode ?? "NOERROR";
      resolve({ rcode, authenticated: packet.flag_ad, answers: packet.answers ?? [] });
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.send(query, resolver.port, resolver.host);
  });
}

/** The first name server in /etc/resolv.conf (the system's resolver), port 53. */
export function systemResolver(resolvConf: string): Resolver | undefined {
  const match = /^\s*nameserver\s+(\S+)/m.exec(resolvConf);
  return match?.[1] ? { host: match[1], port: 53 } : undefined;
}

/** `host:port` / `[v6]:port` / `host` (port 53). */
export function parseResolver(text: string): Resolver {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m?.[1]) throw new Error(`--resolver: expected host[:port] (got ${JSON.stringify(text)})`);
  return { host: m[1], port: m[2] ? Number(m[2]) : 53 };
}
