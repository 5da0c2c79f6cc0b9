/**
 * One WebSocket connection over an upgraded socket (RFC 6455 §5–7), either end: whole binary messages in and out,
 * pings answered, and the closing handshake. Fragmented messages are put back together (§5.4); a text message is
 * no part of the channel protocol and closes the connection 1003. A protocol violation fails the connection with
 * its close code (§7.1.7). `closed` is reported once, however the connection ends.
 */
import type { Duplex } from "node:stream";
import { closePayload, encodeFrame, FrameParser, OPCODE, WebSocketProtocolError, type Frame } from "./websocket-frames.ts";

/** How long a close we started waits for the peer's before the socket is cut (§7.1.1 lets the server do so). */
const CLOSE_WAIT_MS = 2_000;

export interface ConnectionListener {
  message(data: Buffer): void;
  closed(code: number, reason: string): void;
}

export interface ConnectionOptions {
  /** Largest message accepted; raise it with `allowMessages` once the peer is trusted. */
  readonly maxMessageBytes: number;
  /** "server": the peer is a client whose frames are masked; "client": the reverse. */
  readonly role: "server" | "client";
}

export class WebSocketConnection {
  private readonly parser: FrameParser;
  private listener: ConnectionListener | undefined;
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private closeSent = false;
  private ended = false;

  constructor(
    private readonly socket: Duplex,
    private readonly options: ConnectionOptions,
  ) {
    this.parser = new FrameParser(options.maxMessageBytes, options.role === "server" ? "required" : "forbidden");
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", () => this.end(1006, "socket error"));
    socket.on("close", () => this.end(1006, "connection lost"));
  }

  /** Set once; bytes that came before (the upgrade's `head`) are handed over with `feed`. */
  listen(listener: ConnectionListener): void {
    this.listener = listener;
  }

  feed(head: Buffer): void {
    if (head.length > 0) this.receive(head);
  }

  allowMessages(maxBytes: number): void {
    this.parser.maxPayload = maxBytes;
  }

  get isOpen(): boolean {
    return !this.ended && !this.closeSent;
  }

  send(data: Uint8Array): void {
    if (!this.isOpen) return;
    this.socket.write(encodeFrame(OPCODE.binary, data, this.options.role === "client"));
  }

  /** Starts the closing handshake; the socket goes when the peer answers, or after CLOSE_WAIT_MS. */
  close(code: number, reason: string): void {
    if (this.ended || this.closeSent) return;
    this.closeSent = true;
    this.socket.write(encodeFrame(OPCODE.close, closePayload(code, reason), this.options.role === "client"));
    if (this.options.role === "server") this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS).unref();
    this.end(code, reason);
  }

  private receive(chunk: Buffer): void {
    if (this.ended) return;
    try {
      for (const frame of this.parser.push(chunk)) {
        this.handle(frame);
        if (this.ended) return;
      }
    } catch (error) {
      if (!(error instanceof WebSocketProtocolError)) throw error;
      this.close(error.code, error.message);
    }
  }

  private handle(frame: Frame): void {
    switch (frame.opcode) {
      case OPCODE.ping:
        if (this.isOpen) this.socket.write(encodeFrame(OPCODE.pong, frame.payload, this.options.role === "client"));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close: {
        if (frame.payload.length === 1) throw new WebSocketProtocolError(1002, "a close frame's code is two bytes");
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        const reason = frame.payload.subarray(2).toString("utf8");
        // §5.5.1: answer a close with a close (echoing its code), then the server ends the TCP connection.
        if (!this.closeSent) {
          this.closeSent = true;
          this.socket.write(encodeFrame(OPCODE.close, code === 1005 ? Buffer.alloc(0) : closePayload(code, ""), this.options.role === "client"));
        }
        this.socket.end();
        this.end(code, reason);
        return;
      }
      default:
        this.data(frame);
    }
  }

  private data(frame: Frame): void {
    const continuing = this.fragments.length > 0;
    if (frame.opcode === OPCODE.continuation ? !continuing : continuing) {
      throw new WebSocketProtocolError(1002, "a fragmented message out of order");
    }
    if (frame.opcode === OPCODE.text) throw new WebSocketProtocolError(1003, "the channel takes binary messages only");
    this.fragmentBytes += frame.payload.length;
    if (this.fragmentBytes > this.parser.maxPayload) throw new WebSocketProtocolError(1009, "message too large");
    if (!frame.fin) {
      this.fragments.push(frame.payload);
      return;
    }
    const message = continuing ? Buffer.concat([...this.fragments, frame.payload]) : frame.payload;
    this.fragments = [];
    this.fragmentBytes = 0;
    this.listener?.message(message);
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.listener?.closed(code, reason);
  }
}
