/**
 * A bridge in the test's own process, behind a ChannelSocket, for the transport's deterministic tests: it accepts
 * the channel with the real handshake (core/hsm/channel/), records every batch, and answers, drops or misbehaves
 * only when the test says so. Nothing crosses a network, so timing is the test's (fake timers).
 */
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeCredentials } from "../../../core/hsm/bridge-client/index.ts";
import { newNonce, unixSeconds } from "../../../core/hsm/bridge-client/protocol.ts";
import { directionKeys, ephemeralKeyPair, sharedSecret, transcriptHash } from "../../../core/hsm/channel/channel-keys.ts";
import { acceptSigningInput, decodeOpen, encodeHello, FRAME_KIND } from "../../../core/hsm/channel/channel-protocol.ts";
import type { ChannelConnector, ChannelSocket, SocketListener } from "../../../core/hsm/channel/channel-socket.ts";
import { decodeBatch, encodeAnswers, type ChannelOperation } from "../../../core/hsm/channel/operation-codec.ts";
import { FrameOpener, FrameSealer } from "../../../core/hsm/channel/sealed-frame.ts";

export class FakeBridgeSocket implements ChannelSocket {
  /** Each batch received, as its operations. */
  readonly batches: ChannelOperation[][] = [];
  closedBy: string | undefined;
  private listener: SocketListener | undefined;
  private sealer: FrameSealer | undefined;
  private opener: FrameOpener | undefined;

  constructor(private readonly credentials: BridgeCredentials) {}

  listen(listener: SocketListener): void {
    this.listener = listener;
  }

  send(message: Uint8Array<ArrayBuffer>): void {
    if (this.closedBy !== undefined) throw new Error("send on a closed socket");
    if (this.opener === undefined) return void this.accept(message);
    const frame = this.opener.open(message);
    if (frame === undefined) throw new Error("the client sent a frame that does not open");
    this.batches.push(decodeBatch(frame.payload));
  }

  close(_code: number, reason: string): void {
    this.drop(`closed by the client: ${reason}`);
  }

  get operations(): ChannelOperation[] {
    return this.batches.flat();
  }

  /** Answers operations by id, all in one frame. */
  answer(ids: readonly number[], status = 200, body: unknown = { ok: true }): void {
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    this.deliver(this.seal(FRAME_KIND.answers, encodeAnswers(ids.map((id) => ({ id, status, replayed: false, body: bytes })))));
  }

  goAway(): void {
    this.deliver(this.seal(FRAME_KIND.goAway, new Uint8Array(0)));
  }

  /** An answers frame whose last byte (of its tag) is flipped. */
  tampered(ids: readonly number[]): void {
    const frame = this.seal(FRAME_KIND.answers, encodeAnswers(ids.map((id) => ({ id, status: 200, replayed: false, body: new Uint8Array(0) }))));
    frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 1;
    this.deliver(frame);
  }

  /** The connection ends under the client (a reset, a killed bridge). */
  drop(reason = "connection lost"): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = reason;
    this.listener?.closed(reason);
  }

  private seal(kind: number, payload: Uint8Array): Uint8Array {
    const frame = this.sealer?.seal(kind, payload);
    if (frame === undefined) throw new Error("no channel yet");
    return frame;
  }

  private deliver(frame: Uint8Array): void {
    if (this.closedBy === undefined) this.listener?.message(frame);
  }

  private async accept(openBytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const open = decodeOpen(openBytes);
    if (open === undefined) throw new Error("the client's first message is not OPEN");
    const ephemeral = await ephemeralKeyPair();
    const unsigned = { timestamp: unixSeconds(Date.now()), nonce: newNonce(), publicKey: ephemeral.publicKey };
    const signature = bytesToBase64Url(await this.credentials.signer.sign(acceptSigningInput(open, unsigned)));
    const acceptBytes = encodeHello(FRAME_KIND.accept, { ...unsigned, signature });
    const peer = new Uint8Array(Buffer.from(open.publicKey, "base64url"));
    const shared = await sharedSecret(ephemeral.privateKey, peer);
    if (shared === undefined) throw new Error("unusable client key");
    const keys = await directionKeys(shared, await transcriptHash(openBytes, acceptBytes));
    this.sealer = new FrameSealer(keys.toClient);
    this.opener = new FrameOpener(keys.toBridge);
    this.deliver(acceptBytes);
  }
}

/** A connector handing out fake bridges, kept in `sockets` in the order made; `refuse` makes the next attempts fail. */
export function fakeConnector(credentials: BridgeCredentials): { connect: ChannelConnector; sockets: FakeBridgeSocket[]; refuse: { next: number } } {
  const sockets: FakeBridgeSocket[] = [];
  const refuse = { next: 0 };
  const connect: ChannelConnector = async () => {
    if (refuse.next > 0) {
      refuse.next -= 1;
      throw new Error("connection refused");
    }
    const socket = new FakeBridgeSocket(credentials);
    sockets.push(socket);
    return socket;
  };
  return { connect, sockets, refuse };
}
