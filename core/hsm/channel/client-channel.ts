/**
 * One authenticated channel, the client's side (channel-protocol.ts): sends OPEN signed with the vault's bridge
 * credentials, believes only an ACCEPT the bridge signed for that OPEN, derives the direction keys, then seals each
 * batch it sends and opens each frame it receives. Anything that fails a check closes the channel: the transport
 * (channel-transport.ts) then answers every operation still waiting on it.
 */
import { decodeBase64, UNPADDED_BASE64URL, bytesToBase64Url } from "../../crypto/bytes.ts";
import type { BridgeCredentials } from "../bridge-client/credentials.ts";
import { isFreshTimestamp, newNonce, unixSeconds } from "../bridge-client/protocol.ts";
import {
  acceptSigningInput,
  CLOSE,
  decodeAccept,
  encodeHello,
  FRAME_KIND,
  openSigningInput,
  type OpenHello,
} from "./channel-protocol.ts";
import { directionKeys, ephemeralKeyPair, sharedSecret, transcriptHash } from "./channel-keys.ts";
import type { ChannelSocket } from "./channel-socket.ts";
import { decodeAnswers, encodeBatch, MalformedPayload, type ChannelAnswer, type ChannelOperation } from "./operation-codec.ts";
import { FrameOpener, FrameSealer } from "./sealed-frame.ts";

export interface ChannelEvents {
  answers(answers: readonly ChannelAnswer[]): void;
  /** The bridge is stopping: it runs nothing more sent here, but answers what it already has. */
  draining(): void;
  /** Once; every operation still waiting on this channel has lost its answer. */
  closed(reason: string): void;
}

export class ClientChannel {
  private ended = false;
  private received = 0;

  private constructor(
    private readonly socket: ChannelSocket,
    private readonly sealer: FrameSealer,
    private readonly opener: FrameOpener,
    private readonly events: ChannelEvents,
  ) {}

  /** Runs the handshake on an open socket; rejects (and closes the socket) if the bridge is not who it must be. */
  static async open(socket: ChannelSocket, credentials: BridgeCredentials, now: () => number, events: ChannelEvents): Promise<ClientChannel> {
    const backlog: Uint8Array[] = [];
    let channel: ClientChannel | undefined;
    let firstMessage: ((message: Uint8Array) => void) | undefined;
    let closedEarly: ((reason: string) => void) | undefined;
    let closedReason: string | undefined;
    socket.listen({
      message: (data) => {
        if (channel !== undefined) channel.receive(data);
        else if (firstMessage !== undefined) {
          const take = firstMessage;
          firstMessage = undefined;
          take(data);
        } else backlog.push(data);
      },
      closed: (reason) => {
        if (channel !== undefined) channel.end(reason);
        else {
          closedReason = reason;
          closedEarly?.(reason);
        }
      },
    });

    const ephemeral = await ephemeralKeyPair();
    const unsigned = { keyId: credentials.keyId, timestamp: unixSeconds(now()), nonce: newNonce(), publicKey: ephemeral.publicKey };
    const open: OpenHello = { ...unsigned, signature: bytesToBase64Url(await credentials.signer.sign(openSigningInput(unsigned))) };
    const openBytes = encodeHello(FRAME_KIND.open, open);
    socket.send(openBytes);

    const acceptBytes = await new Promise<Uint8Array>((resolve, reject) => {
      if (closedReason !== undefined) reject(new Error(closedReason));
      closedEarly = (reason) => reject(new Error(`the bridge closed the channel before accepting it: ${reason}`));
      firstMessage = resolve;
    });
    const fail = (why: string): never => {
      socket.close(CLOSE.policyViolation, "handshake refused");
      throw new Error(`the bridge's channel answer was refused: ${why}`);
    };
    const accept = decodeAccept(acceptBytes);
    if (accept === undefined) return fail("not an ACCEPT");
    const signature = decodeBase64(accept.signature, UNPADDED_BASE64URL);
    const peerKey = decodeBase64(accept.publicKey, UNPADDED_BASE64URL);
    if (signature === null || peerKey === null) return fail("malformed");
    if (!isFreshTimestamp(accept.timestamp, unixSeconds(now()))) return fail("timestamp outside the allowed clock skew");
    const { signature: _, ...signed } = accept;
    if (!(await credentials.verifier.verify(acceptSigningInput(open, signed), signature))) return fail("signature does not verify");
    const shared = await sharedSecret(ephemeral.privateKey, peerKey);
    if (shared === undefined) return fail("unusable public key");
    const keys = await directionKeys(shared, await transcriptHash(openBytes, new Uint8Array(acceptBytes)));

    channel = new ClientChannel(socket, new FrameSealer(keys.toBridge), new FrameOpener(keys.toClient), events);
    if (closedReason !== undefined) channel.end(closedReason);
    for (const data of backlog.splice(0)) channel.receive(data);
    return channel;
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Frames received so far: a channel that received none while an operation waited its whole deadline is dead. */
  get receivedFrames(): number {
    return this.received;
  }

  /**
   * Sends one batch. False when nothing was sent (the channel is closed, or its sequence numbers are spent). True
   * when it was handed to the socket — or the socket failed while taking it, which may or may not have sent it:
   * the channel then closes, and its operations in flight, these included, are lost.
   */
  send(operations: readonly ChannelOperation[]): boolean {
    if (this.ended) return false;
    const frame = this.sealer.seal(FRAME_KIND.batch, encodeBatch(operations));
    if (frame === undefined) return false;
    try {
      this.socket.send(frame);
    } catch (error) {
      this.end(`send failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return true;
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
    this.end(reason);
  }

  private receive(data: Uint8Array): void {
    if (this.ended) return;
    const frame = this.opener.open(data);
    if (frame === undefined) return this.close(CLOSE.policyViolation, "a frame failed its seal or sequence check");
    this.received += 1;
    if (frame.kind === FRAME_KIND.goAway) return this.events.draining();
    if (frame.kind !== FRAME_KIND.answers) return this.close(CLOSE.protocolError, `unexpected frame kind ${frame.kind}`);
    let answers: ChannelAnswer[];
    try {
      answers = decodeAnswers(frame.payload);
    } catch (error) {
      if (!(error instanceof MalformedPayload)) throw error;
      return this.close(CLOSE.protocolError, `malformed answers: ${error.message}`);
    }
    this.events.answers(answers);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.events.closed(reason);
  }
}
