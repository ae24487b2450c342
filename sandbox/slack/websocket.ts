import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Just enough of RFC 6455 for the Socket Mode emulator, on node's HTTP `upgrade` event, with no dependency: the
 * handshake, text frames (fragmented or not) both ways, ping -> pong, and the close handshake. No extensions.
 */

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Completes the handshake on an upgrade request; answers 400 and returns undefined when it is not a WebSocket one. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  return new WebSocketConnection(socket, head);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  size: number;
}

export class WebSocketConnection {
  onText: (text: string) => void = () => undefined;
  onClose: () => void = () => undefined;
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closeSent = false;
  private finished = false;

  constructor(private readonly socket: Duplex, head: Buffer) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    if (head.length) this.receive(head);
  }

  get open(): boolean {
    return !this.closeSent && !this.finished;
  }

  sendText(text: string): void {
    this.write(OP.text, Buffer.from(text, 'utf8'));
  }

  /** Starts the close handshake; the socket is destroyed if the peer does not answer within `graceMs`. */
  close(code = 1000, reason = '', graceMs = 1000): void {
    if (this.finished) return;
    if (!this.closeSent) {
      const body = Buffer.alloc(2 + Buffer.byteLength(reason));
      body.writeUInt16BE(code, 0);
      body.write(reason, 2);
      this.write(OP.close, body);
      this.closeSent = true;
    }
    setTimeout(() => this.socket.destroy(), graceMs).unref();
  }

  private write(opcode: number, payload: Buffer): void {
    if (this.finished || this.closeSent || !this.socket.writable) return;
    const length = payload.length;
    const header = Buffer.alloc(length < 126 ? 2 : length < 65536 ? 4 : 10);
    header[0] = 0x80 | opcode; // FIN: the server never fragments
    if (length < 126) header[1] = length;
    else if (length < 65536) {
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let frame = parseFrame(this.buffer); frame; frame = parseFrame(this.buffer)) {
      this.buffer = this.buffer.subarray(frame.size);
      this.handle(frame);
    }
  }

  private handle({ fin, opcode, payload }: Frame): void {
    switch (opcode) {
      case OP.text:
      case OP.binary:
      case OP.continuation:
        if (opcode !== OP.continuation) this.fragmentOpcode = opcode;
        this.fragments.push(payload);
        if (fin) {
          const data = Buffer.concat(this.fragments);
          this.fragments = [];
          if (this.fragmentOpcode === OP.text) this.onText(data.toString('utf8'));
        }
        return;
      case OP.ping:
        return this.write(OP.pong, payload);
      case OP.close:
        // Echo the peer's close code, then end: the handshake is complete from our side.
        this.write(OP.close, payload.subarray(0, 2));
        this.closeSent = true;
        this.socket.end();
        return;
      default:
        return;
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onClose();
  }
}

/** One frame from the front of `buf`, unmasked, or undefined until all its bytes have arrived. */
function parseFrame(buf: Buffer): Frame | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskBytes = masked ? 4 : 0;
  const size = offset + maskBytes + length;
  if (buf.length < size) return undefined;
  const payload = Buffer.from(buf.subarray(offset + maskBytes, size));
  if (masked) {
    const mask = buf.subarray(offset, offset + 4);
    for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i & 3];
  }
  return { fin, opcode, payload, size };
}
