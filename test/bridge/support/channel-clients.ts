/**
 * The channel (docs/hsm-channel.md) to the bridge the global setup started: the vault's own client over it, and a
 * raw connection on which a test writes the protocol's messages by hand — tampered, replayed or out of turn.
 */
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import { BridgeClient, type BridgeCredentials } from "../../../core/hsm/bridge-client/index.ts";
import { newNonce, unixSeconds } from "../../../core/hsm/bridge-client/protocol.ts";
import { directionKeys, ephemeralKeyPair, sharedSecret, transcriptHash } from "../../../core/hsm/channel/channel-keys.ts";
import { decodeAccept, encodeHello, FRAME_KIND, openSigningInput, type OpenHello } from "../../../core/hsm/channel/channel-protocol.ts";
import type { ChannelConnector, ChannelSocket } from "../../../core/hsm/channel/channel-socket.ts";
import { ChannelTransport } from "../../../core/hsm/channel/channel-transport.ts";
import { FrameOpener, FrameSealer } from "../../../core/hsm/channel/sealed-frame.ts";
import { bridgeFacts } from "./bridge-facts.ts";
import { hmacCredentialsForTests } from "./clients.ts";
import { nodeConnector, type NodeSocketHandle } from "./node-channel-socket.ts";

export interface ChannelClient {
  readonly client: BridgeClient;
  readonly transport: ChannelTransport;
  /** Every socket the transport opened, in order. */
  readonly opened: NodeSocketHandle[];
  /** Every message the client sent, per socket (the OPEN first). */
  readonly sent: Uint8Array[][];
}

export async function channelClient(credentials?: BridgeCredentials, timeoutMs = 30_000): Promise<ChannelClient> {
  const opened: NodeSocketHandle[] = [];
  const sent: Uint8Array[][] = [];
  const connector = nodeConnector(bridgeFacts().url, opened);
  const connect: ChannelConnector = async (signal) => {
    const socket = await connector(signal);
    const mine: Uint8Array[] = [];
    sent.push(mine);
    return { ...socket, send: (message) => (mine.push(message), socket.send(message)) };
  };
  const transport = new ChannelTransport({ connect, credentials: credentials ?? (await hmacCredentialsForTests()) });
  return { client: new BridgeClient({ transport, timeoutMs }), transport, opened, sent };
}

/** A connection speaking the protocol by hand: what it received, and how it ended. */
export class RawChannel {
  readonly received: Uint8Array[] = [];
  readonly ended: Promise<string>;
  private isEnded = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: ChannelSocket) {
    let end: (reason: string) => void = () => undefined;
    this.ended = new Promise((resolve) => (end = resolve));
    socket.listen({
      message: (data) => {
        this.received.push(data);
        for (const wake of this.waiters.splice(0)) wake();
      },
      closed: (reason) => {
        this.isEnded = true;
        end(reason);
        for (const wake of this.waiters.splice(0)) wake();
      },
    });
  }

  static async connect(url = bridgeFacts().url): Promise<RawChannel> {
    return new RawChannel(await nodeConnector(url)(AbortSignal.timeout(10_000)));
  }

  /** The `index`-th message received, waiting for it; undefined if the connection ends first. */
  async message(index: number): Promise<Uint8Array | undefined> {
    while (this.received[index] === undefined && !this.isEnded) await new Promise<void>((wake) => this.waiters.push(wake));
    return this.received[index];
  }
}

export interface SignedOpen {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly open: OpenHello;
  readonly privateKey: Awaited<ReturnType<typeof ephemeralKeyPair>>["privateKey"];
}

/** An OPEN as the vault makes it; `overrides` change fields before signing (a stale timestamp, another key id). */
export async function signedOpen(credentials: BridgeCredentials, overrides: Partial<Omit<OpenHello, "signature">> = {}): Promise<SignedOpen> {
  const ephemeral = await ephemeralKeyPair();
  const unsigned = { keyId: credentials.keyId, timestamp: unixSeconds(Date.now()), nonce: newNonce(), publicKey: ephemeral.publicKey, ...overrides };
  const open: OpenHello = { ...unsigned, signature: bytesToBase64Url(await credentials.signer.sign(openSigningInput(unsigned))) };
  return { bytes: encodeHello(FRAME_KIND.open, open), open, privateKey: ephemeral.privateKey };
}

/** Opens a raw channel with the full handshake; the keys let the test seal and open frames itself. */
export async function handshake(credentials: BridgeCredentials, url?: string): Promise<{ raw: RawChannel; sealer: FrameSealer; opener: FrameOpener }> {
  const raw = await RawChannel.connect(url);
  const { bytes, privateKey } = await signedOpen(credentials);
  raw.socket.send(bytes);
  const acceptBytes = await raw.message(0);
  const accept = acceptBytes === undefined ? undefined : decodeAccept(acceptBytes);
  if (acceptBytes === undefined || accept === undefined) throw new Error(`no ACCEPT: ${await raw.ended}`);
  const shared = await sharedSecret(privateKey, new Uint8Array(Buffer.from(accept.publicKey, "base64url")));
  if (shared === undefined) throw new Error("unusable bridge key");
  const keys = await directionKeys(shared, await transcriptHash(bytes, new Uint8Array(acceptBytes)));
  return { raw, sealer: new FrameSealer(keys.toBridge), opener: new FrameOpener(keys.toClient) };
}
